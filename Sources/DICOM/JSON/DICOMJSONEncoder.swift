public import NIOCore

/// Encodes data sets in the DICOM JSON model (PS3.18 Annex F.2), the body of QIDO-RS responses
/// and of WADO-RS metadata.
///
/// The text is written straight into a byte buffer, without an intermediate tree, because a
/// metadata response can hold thousands of data sets. Choices where the standard leaves room:
/// - DS and IS values are JSON numbers, in their original digits (normalised to JSON syntax);
///   a value that is not a number is written as a JSON string, which Table F.2.3-1 allows.
/// - SV and UV values beyond ±2^53, which JavaScript cannot hold exactly, are strings.
/// - NaN and infinite FL/FD values, which JSON numbers cannot express, are the strings
///   `"NaN"`, `"Infinity"` and `"-Infinity"` (as JavaScript's `Number()` reads them);
///   `DICOMJSONDecoder` reads them back.
/// - Empty values among several are `null` (F.2.5); a PN value with no non-empty group too.
/// - Encapsulated pixel data is inlined as the base64 of its item sequence, the "Value Field"
///   of F.2.7 (see `EncapsulatedPixelData.valueField`).
/// - Group length elements (gggg,0000) are left out, as F.2.2 requires.
public struct DICOMJSONEncoder: Sendable {
    /// Values of VR OB, OD, OF, OL, OV, OW or UN (and encapsulated pixel data) longer than this
    /// many bytes become a `BulkDataURI` when `bulkDataURI` gives one; nil inlines every value.
    public var bulkDataThreshold: Int?
    /// Names the URI of a bulk data value; nil, or a nil result, inlines the value.
    public var bulkDataURI: (@Sendable (BulkDataReference) -> String?)?
    /// Line breaks and two-space indentation, for people; off for the wire.
    public var prettyPrinted: Bool
    /// String elements whose bytes are ASCII are written straight from them; tests turn this
    /// off to check that decoding them gives the same bytes.
    var writesASCIIFromBytes = true

    public init(
        bulkDataThreshold: Int? = nil, bulkDataURI: (@Sendable (BulkDataReference) -> String?)? = nil,
        prettyPrinted: Bool = false
    ) {
        self.bulkDataThreshold = bulkDataThreshold
        self.bulkDataURI = bulkDataURI
        self.prettyPrinted = prettyPrinted
    }

    /// One data set as a JSON object.
    public func encode(_ dataSet: DataSet) -> ByteBuffer {
        var writer = JSONWriter(capacity: Self.estimatedSize(of: dataSet), prettyPrinted: prettyPrinted)
        write(dataSet, location: ElementLocation(), enclosing: nil, into: &writer)
        return writer.finish()
    }

    /// Data sets as a JSON array of objects, as QIDO-RS and metadata responses carry them.
    public func encode(_ dataSets: [DataSet]) -> ByteBuffer {
        let capacity = dataSets.reduce(16) { $0 + Self.estimatedSize(of: $1) }
        var writer = JSONWriter(capacity: capacity, prettyPrinted: prettyPrinted)
        writer.beginArray()
        for dataSet in dataSets {
            write(dataSet, location: ElementLocation(), enclosing: nil, into: &writer)
        }
        writer.endArray()
        return writer.finish()
    }

    public func encodeString(_ dataSet: DataSet) -> String {
        String(buffer: encode(dataSet))
    }

    private static func estimatedSize(of dataSet: DataSet) -> Int {
        128 + dataSet.count * 80
    }

    private var policy: BulkDataPolicy {
        BulkDataPolicy(threshold: bulkDataThreshold, uri: bulkDataURI)
    }

    private func write(
        _ dataSet: DataSet, location: ElementLocation, enclosing: SpecificCharacterSet?, into writer: inout JSONWriter
    ) {
        let characterSet = dataSet.characterSet(enclosedBy: enclosing)
        writer.beginObject()
        for element in dataSet.elements where !element.tag.isGroupLength {
            writer.key(element.tag)
            write(element, characterSet: characterSet, location: location, into: &writer)
        }
        writer.endObject()
    }

    private func write(
        _ element: DataElement, characterSet: SpecificCharacterSet, location: ElementLocation,
        into writer: inout JSONWriter
    ) {
        if writesASCIIFromBytes, element.vr.isString, let bytes = element.bytes,
            bytes.withUnsafeReadableBytes({
                writeASCIIText(element, bytes: $0, characterSet: characterSet, into: &writer)
            })
        {
            return
        }
        let content = NativeContent(element, characterSet: characterSet, policy: policy, location: location)
        writer.beginObject()
        writer.key("vr")
        if case .sequence = content { writer.string(VR.SQ.rawValue) } else { writer.string(element.vr.rawValue) }
        switch content {
        case .empty:
            break
        case .strings(let values):
            writer.key("Value")
            writer.beginArray()
            for value in values {
                if let value { writer.string(value) } else { writer.null() }
            }
            writer.endArray()
        case .decimalStrings(let values):
            writer.key("Value")
            writer.beginArray()
            for value in values {
                if let value {
                    if let number = NumberText.jsonNumber(fromDecimalString: value) {
                        writer.number(text: number)
                    } else {
                        writer.string(value)
                    }
                } else {
                    writer.null()
                }
            }
            writer.endArray()
        case .personNames(let values):
            writer.key("Value")
            writer.beginArray()
            for value in values { writePersonName(value, into: &writer) }
            writer.endArray()
        case .signedIntegers(let values):
            writer.key("Value")
            writer.beginArray()
            for value in values {
                if value.magnitude > Self.largestExactInteger {
                    writer.string(String(value))
                } else {
                    writer.number(value)
                }
            }
            writer.endArray()
        case .unsignedIntegers(let values):
            writer.key("Value")
            writer.beginArray()
            for value in values {
                if value > Self.largestExactInteger { writer.string(String(value)) } else { writer.number(value) }
            }
            writer.endArray()
        case .floats(let values):
            writer.key("Value")
            writer.beginArray()
            for value in values {
                if let name = NumberText.nonFiniteName(Double(value)) {
                    writer.string(name)
                } else {
                    writer.number(value)
                }
            }
            writer.endArray()
        case .doubles(let values):
            writer.key("Value")
            writer.beginArray()
            for value in values {
                if let name = NumberText.nonFiniteName(value) { writer.string(name) } else { writer.number(value) }
            }
            writer.endArray()
        case .attributeTags(let tags):
            writer.key("Value")
            writer.beginArray()
            for tag in tags { writer.tagString(tag) }
            writer.endArray()
        case .sequence(let items):
            writer.key("Value")
            writer.beginArray()
            for (index, item) in items.enumerated() {
                let itemLocation = location.entering(sequence: element.tag, item: index)
                write(item, location: itemLocation, enclosing: characterSet, into: &writer)
            }
            writer.endArray()
        case .inlineBinary(let bytes):
            writer.key("InlineBinary")
            writer.base64(bytes)
        case .bulkDataURI(let uri):
            writer.key("BulkDataURI")
            writer.string(uri)
        }
        writer.endObject()
    }

    /// The member name of a PN value's component group `index` (F.2.2).
    private static func personNameGroupKey(_ index: Int) -> StaticString {
        switch index {
        case 0: "Alphabetic"
        case 1: "Ideographic"
        default: "Phonetic"
        }
    }

    /// 2^53: integers beyond it lose digits in JavaScript and in many JSON readers.
    private static let largestExactInteger: UInt64 = 1 << 53

    /// A PN value as an object of its non-empty component groups (F.2.2), or null when it has
    /// none.
    private func writePersonName(_ value: String?, into writer: inout JSONWriter) {
        let groups = value.map { $0.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false) } ?? []
        writePersonNameGroups(groups, into: &writer) { group, writer in writer.string(String(group)) }
    }

    /// A PN value's component groups, in order, as an object of the non-empty ones under
    /// their names (F.2.2), or null when all are empty: the rule both PN writers follow.
    func writePersonNameGroups<Group: Collection>(
        _ groups: [Group], into writer: inout JSONWriter, writeGroup: (Group, inout JSONWriter) -> Void
    ) {
        guard groups.contains(where: { !$0.isEmpty }) else {
            writer.null()
            return
        }
        writer.beginObject()
        for (index, group) in groups.enumerated() where !group.isEmpty {
            writer.key(Self.personNameGroupKey(index))
            writeGroup(group, &writer)
        }
        writer.endObject()
    }
}
