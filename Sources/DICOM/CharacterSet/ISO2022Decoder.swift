/// Reads text whose character sets may change with ISO 2022 escape sequences
/// (PS3.5 §6.1.2.5).
///
/// Lenient where the standard leaves room: an escape sequence for a known set is obeyed
/// even if (0008,0005) does not name that set, the upper half with nothing in G1 is
/// read as Latin-1, and ISO-IR 13 text may hold Shift JIS pairs; all three as pydicom.
/// Bytes that no set defines become U+FFFD.
struct ISO2022Decoder {
    let configuration: ISO2022Configuration
    let resets: ResetBytes

    func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var text = DecodedText(capacity: bytes.count * 2)
        var state = configuration.initial
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x1B {
                if let (set, length) = GraphicSet.designated(by: bytes, at: index) {
                    state.designate(set)
                    index += length
                } else {
                    // pydicom keeps an unknown sequence as text in value 1's sets.
                    text.appendASCII(byte)
                    state = configuration.initial
                    index += 1
                }
            } else if byte < 0x80 {
                index += decodeLowerHalf(bytes, at: index, state: &state, into: &text)
            } else {
                index += decodeUpperHalf(bytes, at: index, g1: state.g1, into: &text)
            }
        }
        return text.finish()
    }

    /// Decodes the G0 character at `index` and returns its length in bytes.
    private func decodeLowerHalf(
        _ bytes: UnsafeBufferPointer<UInt8>, at index: Int, state: inout ISO2022State, into text: inout DecodedText
    ) -> Int {
        let byte = bytes[index]
        let isGraphic = (0x21...0x7E).contains(byte)
        switch state.g0 {
        case .jisX0208 where isGraphic, .jisX0212 where isGraphic:
            // Delimiter bytes here are halves of a character: a conforming writer has
            // switched back to value 1's G0 before any delimiter.
            guard index + 1 < bytes.count, (0x21...0x7E).contains(bytes[index + 1]) else {
                text.append(.replacement)
                return 1
            }
            let euc = [byte | 0x80, bytes[index + 1] | 0x80]
            text.appendMultiByte(state.g0 == .jisX0212 ? [0x8F] + euc : euc, codec: .eucJP)
            return 2
        default:
            if resets.contains(byte) { state = configuration.initial }
            text.appendASCII(byte)
            return 1
        }
    }

    /// Decodes the G1 character at `index` and returns its length in bytes.
    private func decodeUpperHalf(
        _ bytes: UnsafeBufferPointer<UInt8>, at index: Int, g1: GraphicSet?, into text: inout DecodedText
    ) -> Int {
        let byte = bytes[index]
        let next: UInt8? = index + 1 < bytes.count ? bytes[index + 1] : nil
        switch g1 {
        case nil:
            text.append(Unicode.Scalar(byte))
            return 1
        case .ksX1001?, .gb2312?:
            guard (0xA1...0xFE).contains(byte), let next, (0xA1...0xFE).contains(next) else {
                text.append(.replacement)
                return 1
            }
            text.appendMultiByte([byte, next], codec: g1 == .ksX1001 ? .eucKR : .gb2312)
            return 2
        case .jisKatakana?:
            if Self.isShiftJISLead(byte), let next, Self.isShiftJISTrail(next) {
                text.appendMultiByte([byte, next], codec: .shiftJIS)
                return 2
            }
            text.append(SingleByteTable.jisKatakana.scalars[Int(byte)])
            return 1
        case let set?:
            text.append(set.table?.scalars[Int(byte)] ?? .replacement)
            return 1
        }
    }

    private static func isShiftJISLead(_ byte: UInt8) -> Bool {
        (0x81...0x9F).contains(byte) || (0xE0...0xFC).contains(byte)
    }

    private static func isShiftJISTrail(_ byte: UInt8) -> Bool {
        (0x40...0x7E).contains(byte) || (0x80...0xFC).contains(byte)
    }
}

/// Bytes at which value 1's character sets are active again (PS3.5 §6.1.2.5.3): CR, LF,
/// FF and TAB always; the backslash between values; "^" and "=" in person names.
struct ResetBytes {
    let backslash: Bool
    let personName: Bool

    init(vr: VR) {
        backslash = !vr.isSingleValuedText
        personName = vr == .PN
    }

    func contains(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x0D, 0x0A, 0x0C, 0x09: true
        case 0x5C: backslash
        case 0x5E, 0x3D: personName
        default: false
        }
    }
}
