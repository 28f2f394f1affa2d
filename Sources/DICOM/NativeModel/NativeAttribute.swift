import NIOCore

/// One attribute as read from the JSON or XML model, before its values are encoded: the two
/// readers check the syntax of their model and produce this, and `NativeDataSetBuilder` turns it
/// into data elements the same way for both.
struct NativeAttribute: Sendable {
    var tag: Tag
    var vr: VR
    var content: Content

    enum Content: Sendable {
        /// No Value, InlineBinary or BulkDataURI: a zero-length value.
        case empty
        /// Values of every VR but PN and SQ; `.null` is an empty value among several.
        case values([Scalar])
        /// PN values; nil is an empty value.
        case personNames([PersonNameGroups?])
        case items([[NativeAttribute]])
        case inlineBinary(ByteBuffer)
        case bulkDataURI(String)
    }

    enum Scalar: Sendable, Equatable {
        case null
        case string(String)
        /// The text of a JSON number, kept as text so that DS, IS, SV and UV lose nothing.
        case number(String)
    }

    /// The three component groups of a person name, each as its `^`-separated text.
    struct PersonNameGroups: Sendable, Equatable {
        var alphabetic = ""
        var ideographic = ""
        var phonetic = ""

        /// The PN value: groups joined by `=`, trailing empty groups left out (PS3.5 §6.2.1).
        var text: String {
            var groups = [alphabetic, ideographic, phonetic]
            while let last = groups.last, last.isEmpty { groups.removeLast() }
            return groups.joined(separator: "=")
        }
    }
}

/// Why an attribute's values cannot be encoded in its VR; each model's decoder maps this to its
/// own error type.
struct NativeValueError: Error, Sendable {
    let tag: Tag
    let vr: VR
    let reason: String
}
