import DICOM
import NIOCore

/// Encoding and decoding of command sets: group 0000 elements in Implicit VR Little Endian,
/// led by Command Group Length (0000,0000) (PS3.7 §6.3.1, §9.3, Annex E).
enum CommandSet {
    /// Command Data Set Type (0000,0800) value for "no data set follows" (PS3.7 E.1).
    static let noDataSet: UInt16 = 0x0101
    /// The value written when a data set follows. Any value other than 0x0101 means one
    /// follows (PS3.7 E.1); 0x0001 is what pynetdicom and dicom-rs write, too.
    static let dataSetPresent: UInt16 = 0x0001

    /// The elements of `commandSet` with a Command Group Length (0000,0000) computed for
    /// them, as `encode` would write it.
    static func withGroupLength(_ commandSet: DataSet) -> DataSet {
        var fields = commandSet.group(0x0000)
        fields.remove(.commandGroupLength)
        let length = (try? fields.encoded(in: .implicitVRLittleEndian))?.readableBytes ?? 0
        fields.set(.commandGroupLength, vr: .UL, integers: [length])
        return fields
    }

    /// The command set in Implicit VR Little Endian: Command Group Length, computed from
    /// what follows, then the other group 0000 elements. A stale group length in
    /// `commandSet` is replaced; elements of other groups don't belong in a command set
    /// and are not written.
    static func encode(_ commandSet: DataSet) throws(DIMSEError) -> ByteBuffer {
        var fields = commandSet.group(0x0000)
        fields.remove(.commandGroupLength)
        let body: ByteBuffer
        do {
            body = try fields.encoded(in: .implicitVRLittleEndian)
        } catch {
            throw .encodingFailed(error)
        }
        var output = ByteBuffer()
        output.reserveCapacity(12 + body.readableBytes)
        output.writeInteger(UInt16(0x0000), endianness: .little)  // (0000,0000)
        output.writeInteger(UInt16(0x0000), endianness: .little)
        output.writeInteger(UInt32(4), endianness: .little)  // value length: UL
        output.writeInteger(UInt32(truncatingIfNeeded: body.readableBytes), endianness: .little)
        output.writeImmutableBuffer(body)
        return output
    }

    /// Reads a command set. The group length is not checked: DIMSE peers (and this reader)
    /// know where a command set ends from the last-fragment bit of its PDVs.
    static func decode(_ bytes: ByteBuffer) throws(DIMSEError) -> DataSet {
        do {
            return try DataSet(decoding: bytes, transferSyntax: .implicitVRLittleEndian)
        } catch {
            throw .malformedCommandSet(error)
        }
    }

    /// The Command Field of a command set.
    static func commandField(of commandSet: DataSet) throws(DIMSEError) -> CommandField {
        guard let element = commandSet[.commandField], let value = Reader.uint16(element) else {
            throw .missingCommandField
        }
        return CommandField(rawValue: value)
    }

    /// Typed reads of the fields of one command set, with errors that name the command.
    /// Required fields throw when absent or malformed; optional ones are nil when absent or
    /// empty and throw when malformed. Elements nobody asks for are ignored.
    struct Reader {
        let commandSet: DataSet
        let command: CommandField

        /// Checks that the command set is of the expected message.
        init(_ commandSet: DataSet, expecting expected: CommandField) throws(DIMSEError) {
            let found = try CommandSet.commandField(of: commandSet)
            guard found == expected else { throw .unexpectedCommandField(expected: expected, found: found) }
            self.commandSet = commandSet
            self.command = expected
        }

        func uint16(_ tag: Tag) throws(DIMSEError) -> UInt16 {
            guard let value = try optionalUInt16(tag) else { throw .missingElement(tag, command: command) }
            return value
        }

        func optionalUInt16(_ tag: Tag) throws(DIMSEError) -> UInt16? {
            guard let element = commandSet[tag], element.valueLength != 0 else { return nil }
            guard let value = Reader.uint16(element) else {
                throw .invalidValue(tag, command: command, reason: Reader.lengthReason(element, expected: 2))
            }
            return value
        }

        func uid(_ tag: Tag) throws(DIMSEError) -> UID {
            guard let value = try optionalUID(tag) else { throw .missingElement(tag, command: command) }
            return value
        }

        /// A UID. Besides valid UIDs, values of digits and dots with a leading zero in a
        /// component or an empty component are accepted (as DCMTK and pynetdicom do): old
        /// modalities send them, and refusing their images would lose data.
        func optionalUID(_ tag: Tag) throws(DIMSEError) -> UID? {
            guard let text = try optionalString(tag) else { return nil }
            if let uid = UID(text) { return uid }
            let isDigitsAndDots = text.utf8.allSatisfy { $0 == UInt8(ascii: ".") || (0x30...0x39).contains($0) }
            guard isDigitsAndDots, text.utf8.count <= 64 else {
                throw .invalidValue(tag, command: command, reason: "\"\(text)\" is not a UID")
            }
            return UID(unchecked: text)
        }

        func string(_ tag: Tag) throws(DIMSEError) -> String {
            guard let value = try optionalString(tag) else { throw .missingElement(tag, command: command) }
            return value
        }

        /// A text value (UI, AE, LO) without its padding; nil when absent or blank. Command
        /// sets have no Specific Character Set, so text is read as ASCII (UTF-8, which
        /// contains it, keeps anything else readable).
        func optionalString(_ tag: Tag) throws(DIMSEError) -> String? {
            guard let element = commandSet[tag] else { return nil }
            guard let bytes = element.bytes else {
                throw .invalidValue(tag, command: command, reason: "a sequence where text belongs")
            }
            let text = Reader.trimmed(bytes)
            return text.isEmpty ? nil : text
        }

        /// Attribute tags (AT, VM 1-n), as for Offending Element (0000,0901).
        func tags(_ tag: Tag) throws(DIMSEError) -> [Tag] {
            guard let element = commandSet[tag] else { return [] }
            guard var bytes = element.bytes, bytes.readableBytes % 4 == 0 else {
                throw .invalidValue(tag, command: command, reason: Reader.lengthReason(element, expected: 4))
            }
            var tags: [Tag] = []
            while let group = bytes.readInteger(endianness: .little, as: UInt16.self),
                let number = bytes.readInteger(endianness: .little, as: UInt16.self)
            {
                tags.append(Tag(group, number))
            }
            return tags
        }

        func status() throws(DIMSEError) -> DIMSEStatus {
            DIMSEStatus(rawValue: try uint16(.status))
        }

        func priority() throws(DIMSEError) -> DIMSEPriority {
            let value = try uint16(.priority)
            guard let priority = DIMSEPriority(rawValue: value) else {
                throw .invalidValue(
                    .priority, command: command, reason: "0x\(DIMSEHex.format(value)) is not LOW, MEDIUM or HIGH")
            }
            return priority
        }

        /// Whether Command Data Set Type announces a data set (any value but 0x0101).
        func hasDataSet() throws(DIMSEError) -> Bool {
            try uint16(.commandDataSetType) != CommandSet.noDataSet
        }

        /// Checks Command Data Set Type for a message that always (or never) has a data set.
        func requireDataSet(_ required: Bool) throws(DIMSEError) {
            let value = try uint16(.commandDataSetType)
            guard (value != CommandSet.noDataSet) == required else {
                throw .dataSetTypeMismatch(command: command, dataSetType: value)
            }
        }

        static func uint16(_ element: DataElement) -> UInt16? {
            guard var bytes = element.bytes, bytes.readableBytes == 2 else { return nil }
            return bytes.readInteger(endianness: .little, as: UInt16.self)
        }

        /// The text of a value without leading and trailing spaces and NULs (PS3.5 §6.2 padding).
        static func trimmed(_ bytes: ByteBuffer) -> String {
            let view = bytes.readableBytesView
            let isPadding: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x00 }
            guard let first = view.firstIndex(where: { !isPadding($0) }),
                let last = view.lastIndex(where: { !isPadding($0) })
            else { return "" }
            return String(decoding: view[first...last], as: UTF8.self)
        }

        static func lengthReason(_ element: DataElement, expected: Int) -> String {
            guard let length = element.valueLength else { return "a sequence where a value belongs" }
            return "value length \(length), expected \(expected == 4 ? "a multiple of 4" : String(expected))"
        }
    }

    /// Builds the command set of one message: Command Field and Command Data Set Type
    /// first, then the message's fields; `commandSet` adds the group length.
    struct Builder {
        private(set) var fields = DataSet()

        init(_ command: CommandField, hasDataSet: Bool) {
            set(.commandField, command.rawValue)
            set(.commandDataSetType, hasDataSet ? CommandSet.dataSetPresent : CommandSet.noDataSet)
        }

        mutating func set(_ tag: Tag, _ value: UInt16?) {
            guard let value else { return }
            fields.set(tag, vr: .US, integers: [Int(value)])
        }

        mutating func set(_ tag: Tag, _ uid: UID?) {
            guard let uid else { return }
            fields.set(tag, vr: .UI, string: uid.rawValue)
        }

        mutating func set(_ tag: Tag, vr: VR, _ text: String?) {
            guard let text else { return }
            fields.set(tag, vr: vr, string: text)
        }

        mutating func set(_ tag: Tag, _ tags: [Tag]) {
            guard !tags.isEmpty else { return }
            fields.set(tag, attributeTags: tags)
        }

        var commandSet: DataSet { CommandSet.withGroupLength(fields) }
    }
}
