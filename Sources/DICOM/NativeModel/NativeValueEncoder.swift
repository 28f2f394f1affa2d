import NIOCore

/// Encodes the values of one attribute from the JSON or XML model in its VR: strings joined
/// with backslashes, numbers in little endian (PS3.5 §6.2, §7.3).
struct NativeValueEncoder {
    let tag: Tag
    let vr: VR

    /// `encodeText` encodes joined text in the data set's character set and pads it.
    func encode(
        _ scalars: [NativeAttribute.Scalar], encodeText: (String, VR) -> ByteBuffer
    ) throws(NativeValueError) -> ByteBuffer {
        switch vr {
        case .DS, .IS:
            var texts: [String] = []
            for scalar in scalars { texts.append(try decimalText(scalar)) }
            return encodeText(texts.joined(separator: "\\"), vr)
        case .AT:
            var buffer = ByteBuffer()
            for scalar in scalars {
                guard case .string(let text) = scalar, text.utf8.count == 8, let value = Tag(hexString: text) else {
                    throw failure("an AT value must be a string of 8 hexadecimal digits")
                }
                buffer.writeInteger(value.group, endianness: .little)
                buffer.writeInteger(value.element, endianness: .little)
            }
            return buffer
        case .US, .UL, .UV, .SS, .SL, .SV:
            var buffer = ByteBuffer()
            for scalar in scalars { try writeInteger(try numberText(scalar), into: &buffer) }
            return buffer
        case .FL, .FD:
            var buffer = ByteBuffer()
            for scalar in scalars {
                let value = try floatingPoint(scalar)
                if vr == .FD {
                    buffer.writeInteger(value.bitPattern, endianness: .little)
                } else {
                    guard !value.isFinite || abs(value) <= Double(Float.greatestFiniteMagnitude) else {
                        throw failure("\(value) is out of range for FL")
                    }
                    buffer.writeInteger(Float(value).bitPattern, endianness: .little)
                }
            }
            return buffer
        case .OB, .OD, .OF, .OL, .OV, .OW, .UN, .SQ:
            if scalars.isEmpty { return ByteBuffer() }
            throw failure("a \(vr) value must be InlineBinary or BulkDataURI, not a Value array")
        default:
            var texts: [String] = []
            texts.reserveCapacity(scalars.count)
            for scalar in scalars {
                switch scalar {
                case .null: texts.append("")
                case .string(let text): texts.append(text)
                case .number: throw failure("a number where text belongs")
                }
            }
            return encodeText(texts.joined(separator: "\\"), vr)
        }
    }

    private func failure(_ reason: String) -> NativeValueError {
        NativeValueError(tag: tag, vr: vr, reason: reason)
    }

    /// DS and IS: JSON numbers are kept as written when they fit the VR, reformatted otherwise;
    /// strings are kept as they are (PS3.18 allows them to carry the original text).
    private func decimalText(_ scalar: NativeAttribute.Scalar) throws(NativeValueError) -> String {
        switch scalar {
        case .null:
            return ""
        case .string(let text):
            return text.trimmingCharacters(in: " ")
        case .number(let text):
            if vr == .DS {
                if text.utf8.count <= 16 { return text }
                guard let value = NumberText.floatingPoint(text), value.isFinite,
                    case let formatted = DecimalString.format(value), DecimalString.isValid(formatted)
                else {
                    throw failure("\(text) cannot be written as a DS of 16 characters")
                }
                return formatted
            }
            guard let value = NumberText.integer(text), value >= Int64(Int32.min), value <= Int64(Int32.max) else {
                throw failure("\(text) is not an integer in the range of IS")
            }
            // Plain digits stay as written; `1e3` or `2.0` become digits.
            return Int64(text) != nil ? text : String(value)
        }
    }

    private func numberText(_ scalar: NativeAttribute.Scalar) throws(NativeValueError) -> String {
        switch scalar {
        case .number(let text), .string(let text): return text
        case .null: throw failure("an empty value cannot be encoded in binary \(vr)")
        }
    }

    private func writeInteger(_ text: String, into buffer: inout ByteBuffer) throws(NativeValueError) {
        switch vr {
        case .US: try write(unsigned: text, as: UInt16.self, into: &buffer)
        case .UL: try write(unsigned: text, as: UInt32.self, into: &buffer)
        case .UV: try write(unsigned: text, as: UInt64.self, into: &buffer)
        case .SS: try write(signed: text, as: Int16.self, into: &buffer)
        case .SL: try write(signed: text, as: Int32.self, into: &buffer)
        default: try write(signed: text, as: Int64.self, into: &buffer)
        }
    }

    private func write<T: FixedWidthInteger & UnsignedInteger>(
        unsigned text: String, as _: T.Type, into buffer: inout ByteBuffer
    ) throws(NativeValueError) {
        guard let wide = NumberText.unsignedInteger(text), let value = T(exactly: wide) else {
            throw failure("\(text) is not an integer in the range of \(vr)")
        }
        buffer.writeInteger(value, endianness: .little)
    }

    private func write<T: FixedWidthInteger & SignedInteger>(
        signed text: String, as _: T.Type, into buffer: inout ByteBuffer
    ) throws(NativeValueError) {
        guard let wide = NumberText.integer(text), let value = T(exactly: wide) else {
            throw failure("\(text) is not an integer in the range of \(vr)")
        }
        buffer.writeInteger(value, endianness: .little)
    }

    private func floatingPoint(_ scalar: NativeAttribute.Scalar) throws(NativeValueError) -> Double {
        let text = try numberText(scalar)
        guard let value = NumberText.floatingPoint(text) else { throw failure("\(text) is not a number") }
        return value
    }
}
