import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An element of an S3 XML answer (listings, errors, upload ids) as a small tree: S3's
/// answers are flat and small, a tree is the simplest thing to read them from. Parsed with
/// XMLParser, which resolves no external entities; depth and size are bounded by the caller
/// and here, so a hostile or broken server cannot exhaust memory.
struct S3XMLElement: Sendable, Hashable {
    var name: String
    var text: String
    var children: [S3XMLElement]

    static let maximumDepth = 16

    /// The first child named `name`.
    func child(_ name: String) -> S3XMLElement? { children.first { $0.name == name } }

    func children(_ name: String) -> [S3XMLElement] { children.filter { $0.name == name } }

    /// The text of the first child named `name`.
    func text(_ name: String) -> String? { child(name)?.text }

    /// The root element of `bytes`, or nil when they are not well-formed XML.
    static func parse(_ bytes: [UInt8]) -> S3XMLElement? {
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.delegate = builder
        guard parser.parse(), !builder.failed else { return nil }
        return builder.root
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [S3XMLElement] = []
        var root: S3XMLElement?
        var failed = false

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            guard stack.count < S3XMLElement.maximumDepth else {
                failed = true
                parser.abortParsing()
                return
            }
            stack.append(S3XMLElement(name: elementName, text: "", children: []))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
        ) {
            guard let element = stack.popLast() else { return }
            if stack.isEmpty {
                root = element
            } else {
                stack[stack.count - 1].children.append(element)
            }
        }
    }
}
