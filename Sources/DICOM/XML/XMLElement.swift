/// An element of a parsed XML document: what the Native DICOM Model needs of XML, which is
/// elements, attributes and text, nothing else.
struct XMLElement: Sendable {
    /// The local name: a namespace prefix, if any, is dropped.
    var name: String
    var attributes: [(name: String, value: String)]
    var children: [XMLElement]
    /// The character data directly inside the element, concatenated, with entities replaced.
    var text: String
    /// Byte offset of the `<` that starts the element, for error messages.
    var offset: Int

    func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }
}
