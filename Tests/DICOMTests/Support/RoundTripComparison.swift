import NIOCore

@testable import DICOM

/// Compares a data set with what Apus reads back after writing it in `target`, allowing
/// only what the writer changes on purpose:
/// - group lengths other than the meta's are dropped (retired, stale after any edit);
/// - odd-length values gain one padding byte;
/// - in implicit VR the VR is not written, so it comes back as the dictionary's (UN where the
///   dictionary doesn't know the tag; either VR of an ambiguous entry such as "US or SS");
/// - a value too long for a 16-bit length field is written as UN;
/// - file meta elements (group 0002) in the data set are left out, the meta has them.
struct RoundTripComparison {
    let target: TransferSyntax
    let isMeta: Bool
    private(set) var differences: [String] = []
    private(set) var elementsCompared = 0

    init(target: TransferSyntax, isMeta: Bool = false) {
        self.target = target
        self.isMeta = isMeta
    }

    mutating func compare(_ original: DataSet, _ readBack: DataSet, path: String) {
        let expected = original.filter { element in
            if element.tag.isGroupLength, element.tag.group != 0x0002 { return false }
            return isMeta || !path.isEmpty || element.tag.group != 0x0002
        }
        let expectedTags = Set(expected.map(\.tag))
        for element in readBack where !expectedTags.contains(element.tag) {
            differences.append("\(path)\(element.tag): read back, not written")
        }
        for element in expected {
            guard let back = readBack[element.tag] else {
                differences.append("\(path)\(element.tag): written, not read back")
                continue
            }
            elementsCompared += 1
            compare(element, back, in: readBack, path: "\(path)\(element.tag)")
        }
    }

    private mutating func compare(_ original: DataElement, _ back: DataElement, in dataSet: DataSet, path: String) {
        if original.vr != back.vr, !vrMayChange(original, back, in: dataSet) {
            differences.append("\(path): VR \(original.vr) read back as \(back.vr)")
        }
        switch (original.value, back.value) {
        case (.bytes(let value), .bytes(let backValue)):
            if !Self.same(value, backValue, padding: original.vr.paddingByte) {
                differences.append(
                    "\(path) \(original.vr): \(value.readableBytes) bytes read back as \(backValue.readableBytes) different bytes"
                )
            }
        case (.sequence(let items), .sequence(let backItems)):
            guard items.count == backItems.count else {
                differences.append("\(path): \(items.count) items read back as \(backItems.count)")
                return
            }
            for (index, (item, backItem)) in zip(items, backItems).enumerated() {
                compare(item, backItem, path: "\(path)[\(index)].")
            }
        case (.encapsulated(let pixels), .encapsulated(let backPixels)):
            let fragments = [pixels.basicOffsetTable] + pixels.fragments
            let backFragments = [backPixels.basicOffsetTable] + backPixels.fragments
            if fragments.count != backFragments.count
                || zip(fragments, backFragments).contains(where: { !Self.same($0, $1, padding: 0) })
            {
                differences.append("\(path): fragments differ after the round trip")
            }
        default:
            differences.append("\(path): \(original.value.kind) read back as \(back.value.kind)")
        }
    }

    private func vrMayChange(_ original: DataElement, _ back: DataElement, in dataSet: DataSet) -> Bool {
        if case .bytes(let value) = original.value, !original.vr.hasLongExplicitLength, value.readableBytes > 0xFFFF {
            return true  // written as UN, read back as UN or as the dictionary's VR
        }
        guard !target.isExplicitVR else { return false }
        // Implicit VR carries no VR: the reader gives the dictionary's, UN when it has none.
        if back.vr == ImplicitVR.resolve(tag: back.tag, length: 0, in: dataSet) { return true }
        let entry = back.tag.isPrivate ? nil : DataDictionary.entry(for: back.tag)
        return entry.map { $0.vrs.contains(original.vr) && $0.vrs.contains(back.vr) } ?? false
    }

    /// Equal, or `back` is `value` plus the one padding byte the writer adds to an odd length.
    static func same(_ value: ByteBuffer, _ back: ByteBuffer, padding: UInt8) -> Bool {
        if value == back { return true }
        guard value.readableBytes % 2 == 1, back.readableBytes == value.readableBytes + 1,
            back.getInteger(at: back.writerIndex - 1, as: UInt8.self) == padding
        else { return false }
        return back.getSlice(at: back.readerIndex, length: value.readableBytes) == value
    }
}

extension DataElement.Value {
    var kind: String {
        switch self {
        case .bytes: "bytes"
        case .sequence: "a sequence"
        case .encapsulated: "fragments"
        }
    }
}
