public import DICOM

/// Why an identifier could not become a query. C-FIND answers these with a failure status
/// (A900 or C000), QIDO-RS with 400.
public enum QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No Query/Retrieve Level (0008,0052), or one the model does not have.
    case invalidLevel(String?, model: InformationModel)
    /// A key value that its matching type cannot read: a date that is not a date, a range of
    /// UIDs, a number that is not a number.
    case invalidKey(Tag, value: String, reason: String)

    public var description: String {
        switch self {
        case .invalidLevel(let level, let model):
            "query level \(level.map { "'\($0)'" } ?? "missing") is not one of the \(model.rawValue) model"
        case .invalidKey(let tag, let value, let reason):
            "key \(tag) '\(value)': \(reason)"
        }
    }
}
