import NIOCore

@testable import DICOM

/// Hand-made encodings, byte by byte, for regression and hostile-input tests: nothing here
/// checks that what it writes is valid.
struct RawEncoder {
    var bytes: [UInt8] = []
    var littleEndian = true

    init(littleEndian: Bool = true) {
        self.littleEndian = littleEndian
    }

    mutating func u16(_ value: UInt16) {
        let ordered = littleEndian ? value.littleEndian : value.bigEndian
        withUnsafeBytes(of: ordered) { bytes.append(contentsOf: $0) }
    }

    mutating func u32(_ value: UInt32) {
        let ordered = littleEndian ? value.littleEndian : value.bigEndian
        withUnsafeBytes(of: ordered) { bytes.append(contentsOf: $0) }
    }

    mutating func tag(_ tag: Tag) {
        u16(tag.group)
        u16(tag.element)
    }

    /// An explicit VR header: 16-bit length for most VRs, reserved bytes and 32-bit for the others.
    mutating func explicitHeader(_ tag: Tag, _ vr: VR, length: UInt32) {
        self.tag(tag)
        bytes.append(contentsOf: vr.rawValue.utf8)
        if vr.hasLongExplicitLength {
            u16(0)
            u32(length)
        } else {
            u16(UInt16(truncatingIfNeeded: length))
        }
    }

    mutating func explicit(_ tag: Tag, _ vr: VR, _ value: [UInt8]) {
        explicitHeader(tag, vr, length: UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func explicit(_ tag: Tag, _ vr: VR, _ text: String) {
        explicit(tag, vr, Array(text.utf8))
    }

    mutating func implicitHeader(_ tag: Tag, length: UInt32) {
        self.tag(tag)
        u32(length)
    }

    mutating func implicit(_ tag: Tag, _ value: [UInt8]) {
        implicitHeader(tag, length: UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func item(length: UInt32 = 0xFFFF_FFFF) {
        tag(.item)
        u32(length)
    }

    mutating func itemEnd() {
        tag(.itemDelimitationItem)
        u32(0)
    }

    mutating func sequenceEnd() {
        tag(.sequenceDelimitationItem)
        u32(0)
    }

    /// Preamble, `DICM` and a minimal file meta information naming `transferSyntax`.
    static func part10(transferSyntax: String, body: [UInt8]) -> [UInt8] {
        var meta = RawEncoder()
        var syntax = Array(transferSyntax.utf8)
        if syntax.count % 2 == 1 { syntax.append(0) }
        meta.explicit(.transferSyntaxUID, .UI, syntax)
        var file = RawEncoder()
        file.bytes = Array(repeating: 0, count: 128) + Array("DICM".utf8)
        file.explicit(.fileMetaInformationGroupLength, .UL, [UInt8(meta.bytes.count), 0, 0, 0])
        file.bytes += meta.bytes + body
        return file.bytes
    }

    var buffer: ByteBuffer { ByteBuffer(bytes: bytes) }
}
