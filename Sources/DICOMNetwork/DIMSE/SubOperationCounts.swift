import DICOM

/// The Number of Remaining/Completed/Failed/Warning Sub-operations (0000,1020)–(0000,1023)
/// of a C-GET-RSP or C-MOVE-RSP (PS3.7 §9.3.3.2, §9.3.4.2). Each is conditional: remaining
/// is sent with pending statuses, the others with pending and final ones (PS3.4 C.4.2.1.5),
/// so each may be absent.
public struct SubOperationCounts: Sendable, Equatable {
    public var remaining: UInt16?
    public var completed: UInt16?
    public var failed: UInt16?
    public var warning: UInt16?

    public init(remaining: UInt16? = nil, completed: UInt16? = nil, failed: UInt16? = nil, warning: UInt16? = nil) {
        self.remaining = remaining
        self.completed = completed
        self.failed = failed
        self.warning = warning
    }

    init(reading reader: CommandSet.Reader) throws(DIMSEError) {
        self.remaining = try reader.optionalUInt16(.numberOfRemainingSuboperations)
        self.completed = try reader.optionalUInt16(.numberOfCompletedSuboperations)
        self.failed = try reader.optionalUInt16(.numberOfFailedSuboperations)
        self.warning = try reader.optionalUInt16(.numberOfWarningSuboperations)
    }

    func write(to builder: inout CommandSet.Builder) {
        builder.set(.numberOfRemainingSuboperations, remaining)
        builder.set(.numberOfCompletedSuboperations, completed)
        builder.set(.numberOfFailedSuboperations, failed)
        builder.set(.numberOfWarningSuboperations, warning)
    }
}
