public import DICOM

/// One answer of the index to a query: the values of the requested attributes of one
/// entity (and of the entities above it), as text. Several values are joined with `\`.
/// Attributes without a value are absent.
public struct IndexRow: Sendable, Hashable {
    public var values: [Tag: String]

    public init(values: [Tag: String] = [:]) {
        self.values = values
    }
}
