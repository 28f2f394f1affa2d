import Foundation

/// The text of a configuration file before it is parsed as JSON, read as Orthanc reads its
/// own: `//` and `/* */` comments are allowed (JsonCpp's reader takes them), and `${NAME}`
/// is replaced by the environment variable's value, `${NAME:-default}` by the default when
/// the variable is unset or empty. An unset variable without a default becomes empty, as in
/// Orthanc (1.10.1 checked). The substitution is textual, before parsing, so that Korthweb's
/// `"Port" : ${DB_PORT}` gives a number.
enum ConfigurationText {
    static func prepared(_ text: String, environment: [String: String]) -> String {
        substituted(withoutComments(text), environment: environment)
    }

    /// Comments out, strings untouched (a URL's `//` inside quotes stays).
    static func withoutComments(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        var scalars = Array(text.unicodeScalars)[...]
        var inString = false
        while let scalar = scalars.popFirst() {
            if inString {
                output.unicodeScalars.append(scalar)
                if scalar == "\\", let escaped = scalars.popFirst() {
                    output.unicodeScalars.append(escaped)
                } else if scalar == "\"" {
                    inString = false
                }
                continue
            }
            switch (scalar, scalars.first) {
            case ("\"", _):
                inString = true
                output.unicodeScalars.append(scalar)
            case ("/", "/"):
                while let next = scalars.first, next != "\n" { scalars.removeFirst() }
            case ("/", "*"):
                scalars.removeFirst()
                while let next = scalars.popFirst() {
                    if next == "*", scalars.first == "/" {
                        scalars.removeFirst()
                        break
                    }
                }
                // A comment stands for white space: `1/**/2` must not become `12`.
                output.unicodeScalars.append(" ")
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// `${NAME}` and `${NAME:-default}` replaced; a `${` without its `}` is left as it is.
    static func substituted(_ text: String, environment: [String: String]) -> String {
        var output = ""
        var rest = text[...]
        while let start = rest.range(of: "${") {
            output += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                output += rest[start.lowerBound...]
                return output
            }
            let reference = rest[start.upperBound..<end]
            if let separator = reference.range(of: ":-") {
                let value = environment[String(reference[..<separator.lowerBound])] ?? ""
                output += value.isEmpty ? String(reference[separator.upperBound...]) : value
            } else {
                output += environment[String(reference)] ?? ""
            }
            rest = rest[rest.index(after: end)...]
        }
        output += rest
        return output
    }
}
