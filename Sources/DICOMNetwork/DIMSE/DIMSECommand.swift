public import DICOM

/// A typed DIMSE message: its fields, read from and written to a command set (PS3.7 §9.3).
///
/// Reading is strict about the fields the standard requires (a missing or malformed one
/// throws, naming it) and tolerant of the rest: elements the message doesn't define are
/// ignored, and a missing Command Group Length is accepted.
public protocol DIMSECommand: Sendable, Equatable {
    /// The Command Field (0000,0100) of this message type.
    static var commandField: CommandField { get }
    /// Whether a data set (or identifier) follows the command set; Command Data Set Type
    /// (0000,0800) says so.
    var hasDataSet: Bool { get }
    /// Reads the message from a decoded command set.
    init(commandSet: DataSet) throws(DIMSEError)
    /// The command set, with Command Group Length (0000,0000) computed.
    var commandSet: DataSet { get }
}
