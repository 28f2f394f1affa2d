import NIOCore

@testable import DICOM

/// Compares, element by element and at every depth, a data set Apus read with pydicom's view
/// of the same bytes: the same tags, the same value bytes, the same VR where pydicom's is
/// definite, the same items and fragments. What differs is collected, with its path.
struct PydicomComparison {
    struct Rules {
        /// pydicom's bytes are in the file's byte order; Apus keeps numbers little endian.
        var littleEndian = true
        /// The values were written by Apus, which pads odd lengths: pydicom may see one
        /// padding byte more than Apus holds.
        var allowPadding = false
        /// The bytes were written by Apus, which drops the retired group lengths.
        var ignoreGroupLengths = false
    }

    let rules: Rules
    private(set) var differences: [String] = []
    private(set) var elementsCompared = 0
    /// VRs that differ where the dictionary allows either ("US or SS", "OB or OW"): accepted.
    private(set) var ambiguousVRs: [String] = []
    /// UN in Apus where pydicom found a VR in its dictionary and Apus's dictionary has none.
    private(set) var dictionaryGaps: [String] = []

    /// False for implicit VR data that Apus wrote: pydicom's VRs are then its dictionary's
    /// guesses, not what Apus holds, and only the values are compared.
    let vrIsWritten: Bool

    init(rules: Rules, vrIsWritten: Bool = true) {
        self.rules = rules
        self.vrIsWritten = vrIsWritten
    }

    mutating func compare(_ apus: DataSet, with pydicom: [PydicomDump.Element], path: String) {
        var expected: [Tag: PydicomDump.Element] = [:]
        for element in pydicom {
            guard let tag = Tag(hexString: element.tag) else {
                differences.append("\(path): pydicom tag \(element.tag) doesn't parse")
                continue
            }
            expected[tag] = element
        }
        for element in apus where expected[element.tag] == nil {
            if rules.ignoreGroupLengths, element.tag.isGroupLength, element.tag.group != 0x0002 { continue }
            differences.append("\(path)\(element.tag): in Apus (\(element.vr)), not in pydicom")
        }
        for (tag, reference) in expected.sorted(by: { $0.key < $1.key }) {
            guard let element = apus[tag] else {
                differences.append("\(path)\(tag): in pydicom (\(reference.vr ?? "?")), not in Apus")
                continue
            }
            elementsCompared += 1
            compare(element, with: reference, in: apus, path: "\(path)\(tag)")
        }
    }

    private mutating func compare(
        _ element: DataElement, with reference: PydicomDump.Element, in dataSet: DataSet, path: String
    ) {
        let vrOutcome = compareVR(element, with: reference, in: dataSet, path: path)
        if vrOutcome == .dictionaryGap { return }  // UN bytes where pydicom knows the structure
        switch (element.value, reference.items, reference.fragments, reference.value) {
        case (.sequence(let items), .some(let expectedItems), _, _):
            guard items.count == expectedItems.count else {
                differences.append("\(path): \(items.count) items, pydicom \(expectedItems.count)")
                return
            }
            for (index, (item, expectedItem)) in zip(items, expectedItems).enumerated() {
                compare(item, with: expectedItem, path: "\(path)[\(index)].")
            }
        case (.encapsulated(let pixels), _, .some(let expectedFragments), _):
            let fragments = [pixels.basicOffsetTable] + pixels.fragments
            guard fragments.count == expectedFragments.count else {
                differences.append(
                    "\(path): offset table and \(pixels.fragments.count) fragments, "
                        + "pydicom \(expectedFragments.count) items")
                return
            }
            for (index, (fragment, expected)) in zip(fragments, expectedFragments).enumerated()
            where !matches(fragment, expected, padding: 0x00) {
                differences.append("\(path): item \(index) of the pixel data differs (\(describe(fragment, expected)))")
            }
        case (.bytes(let bytes), _, _, .some(let expected)):
            let fileOrder = inFileOrder(bytes, vr: element.vr)
            if !matches(fileOrder, expected, padding: element.vr.paddingByte) {
                differences.append("\(path) \(element.vr): value differs (\(describe(fileOrder, expected)))")
            }
        case (.sequence(let items), nil, nil, .some(let expected)) where items.isEmpty && expected.length == 0:
            break  // an empty value that Apus knows to be a sequence
        default:
            differences.append(
                "\(path): Apus has \(kind(element.value)), pydicom \(reference.items != nil ? "a sequence" : reference.fragments != nil ? "fragments" : "bytes")"
            )
        }
    }

    private enum VROutcome { case same, ambiguous, dictionaryGap, different }

    private mutating func compareVR(
        _ element: DataElement, with reference: PydicomDump.Element, in dataSet: DataSet, path: String
    ) -> VROutcome {
        guard let expected = reference.vr, expected != element.vr.rawValue else { return .same }
        if case .encapsulated = element.value, element.vr == .OB {
            // PS3.5 A.4: Apus reads encapsulated pixel data as OB whatever the file says.
            ambiguousVRs.append("\(path) OB, pydicom \(expected) (encapsulated pixel data)")
            return .ambiguous
        }
        // pydicom took the VR from its dictionary (implicit VR, or UN replaced by the known VR)
        // and Apus's dictionary doesn't know the tag: Apus keeps UN bytes.
        let fromDictionary = reference.rawVR == nil || reference.rawVR == "UN"
        if element.vr == .UN, fromDictionary, ImplicitVR.knownVR(for: element.tag, in: dataSet) == nil {
            dictionaryGaps.append("\(path) pydicom \(expected)")
            return .dictionaryGap
        }
        if !vrIsWritten, reference.rawVR == nil {
            ambiguousVRs.append("\(path) \(element.vr), pydicom's dictionary \(expected)")
            return .ambiguous
        }
        if let options = reference.dictVR, options.contains(" or "),
            options.contains(expected), options.contains(element.vr.rawValue)
        {
            ambiguousVRs.append("\(path) \(element.vr), pydicom \(expected) (\(options))")
            return .ambiguous
        }
        differences.append("\(path): VR \(element.vr), pydicom \(expected)")
        return .different
    }

    /// Apus's value in the file's byte order.
    private func inFileOrder(_ bytes: ByteBuffer, vr: VR) -> ByteBuffer {
        guard !rules.littleEndian, let width = vr.swapWidth, width > 1 else { return bytes }
        return ByteSwapping.swapped(bytes, width: width)
    }

    private func matches(_ bytes: ByteBuffer, _ expected: PydicomDump.Value, padding: UInt8) -> Bool {
        if bytes.readableBytes == expected.length { return same(bytes, expected, appending: nil) }
        // Apus writes odd-length values padded to even length: pydicom reads the padding too.
        guard rules.allowPadding, bytes.readableBytes % 2 == 1, expected.length == bytes.readableBytes + 1 else {
            return false
        }
        return same(bytes, expected, appending: padding)
    }

    private func same(_ bytes: ByteBuffer, _ expected: PydicomDump.Value, appending extra: UInt8?) -> Bool {
        if let hex = expected.hex {
            return Hex.encode(bytes) + (extra.map { Hex.encode([$0]) } ?? "") == hex
        }
        return CRC32.checksum(bytes, appending: extra) == expected.crc32
    }

    private func describe(_ bytes: ByteBuffer, _ expected: PydicomDump.Value) -> String {
        let head = Hex.encode(bytes.getSlice(at: bytes.readerIndex, length: min(16, bytes.readableBytes)) ?? bytes)
        let expectedHead = expected.hex.map { String($0.prefix(32)) } ?? expected.head ?? ""
        return "\(bytes.readableBytes) bytes \(head)…, pydicom \(expected.length) bytes \(expectedHead)…"
    }

    private func kind(_ value: DataElement.Value) -> String {
        switch value {
        case .bytes: "bytes"
        case .sequence: "a sequence"
        case .encapsulated: "fragments"
        }
    }
}

enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode(_ buffer: ByteBuffer) -> String {
        encode(buffer.readableBytesView)
    }

    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
