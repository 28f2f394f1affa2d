/// Where a bulk data value sits in a data set: what a caller needs to name the URI it can be
/// retrieved from (PS3.18 F.2.6, PS3.19 A.1.5 `BulkData`).
public struct BulkDataReference: Sendable, Hashable {
    /// Tags from the top: the tag of each enclosing sequence, then the element's own tag.
    public let path: [Tag]
    /// For each enclosing sequence, the index (from 0) of the item that holds the element;
    /// one fewer entry than `path`.
    public let itemIndices: [Int]
    /// The element's own tag, the last of `path`.
    public let tag: Tag
    public let vr: VR
    /// Length in bytes of the value field as it would be inlined: for encapsulated pixel data,
    /// the items with their headers (see `EncapsulatedPixelData.valueField`).
    public let length: Int

    public init(path: [Tag], itemIndices: [Int], tag: Tag, vr: VR, length: Int) {
        self.path = path
        self.itemIndices = itemIndices
        self.tag = tag
        self.vr = vr
        self.length = length
    }
}

/// When a binary value is inlined and when it becomes a URI; shared by the JSON and XML encoders.
struct BulkDataPolicy: Sendable {
    let threshold: Int?
    let uri: (@Sendable (BulkDataReference) -> String?)?

    /// The URI for a value of this length, or nil to inline it. Values no longer than the
    /// threshold, and all values when there is no threshold, are inlined.
    func uri(
        for tag: Tag, vr: VR, length: Int, location: ElementLocation
    ) -> String? {
        guard let threshold, length > threshold, let uri else { return nil }
        let reference = BulkDataReference(
            path: location.sequenceTags + [tag], itemIndices: location.itemIndices, tag: tag, vr: vr,
            length: length)
        return uri(reference)
    }
}

/// The enclosing sequences and item indices of a data set being encoded.
struct ElementLocation: Sendable {
    var sequenceTags: [Tag] = []
    var itemIndices: [Int] = []

    func entering(sequence tag: Tag, item index: Int) -> ElementLocation {
        ElementLocation(sequenceTags: sequenceTags + [tag], itemIndices: itemIndices + [index])
    }
}
