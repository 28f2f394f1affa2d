import DICOM

/// Where the attributes that transform one frame live: at the top level, else — in an
/// enhanced multi-frame instance — in a functional group of that frame's item of the Per-Frame
/// Functional Groups Sequence, else of the Shared Functional Groups Sequence (PS3.3 C.7.6.16).
struct FrameAttributes {
    let dataSet: DataSet
    /// From 1.
    let frame: Int

    /// The data set holding `tag` for this frame, nil when nothing does.
    func holder(of tag: Tag) -> DataSet? {
        if dataSet.contains(tag) { return dataSet }
        let perFrame = dataSet.sequence(.perFrameFunctionalGroupsSequence) ?? []
        let groups = [
            perFrame.indices.contains(frame - 1) ? perFrame[frame - 1] : nil,
            dataSet.sequence(.sharedFunctionalGroupsSequence)?.first,
        ]
        for case let group? in groups {
            for element in group.elements {
                if let item = element.items?.first, item.contains(tag) { return item }
            }
        }
        return nil
    }

    func doubles(_ tag: Tag) -> [Double] { holder(of: tag)?.doubles(tag) ?? [] }

    func string(_ tag: Tag) -> String? { holder(of: tag)?.string(tag) }
}
