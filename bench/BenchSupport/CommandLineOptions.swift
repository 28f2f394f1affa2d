import Foundation

/// A benchmark's command line, read option by option: the value after an option, counts
/// checked, comma lists of names, and programs found beside this one. A mistake ends the
/// program through `fail` (the benchmark's own message and usage).
package struct CommandLineOptions {
    private let arguments: [String]
    private var index = 0
    private let fail: (String) -> Never

    package init(_ arguments: [String], fail: @escaping (String) -> Never) {
        self.arguments = Array(arguments.dropFirst())
        self.fail = fail
    }

    /// The next option, nil after the last.
    package mutating func next() -> String? {
        guard index < arguments.count else { return nil }
        defer { index += 1 }
        return arguments[index]
    }

    /// The value that follows the option just read.
    package mutating func value() -> String {
        guard let value = next() else { fail("\(arguments[index - 1]) needs a value") }
        return value
    }

    /// A count: a number, zero or more.
    package mutating func count() -> Int {
        let text = value()
        guard let parsed = Int(text), parsed >= 0 else { fail("\(arguments[index - 2]): '\(text)' is not a count") }
        return parsed
    }

    /// A comma list of names, each one of `Kind`'s (`what` names them in the error).
    package mutating func list<Kind: RawRepresentable>(of kind: Kind.Type, _ what: String) -> [Kind]
    where Kind.RawValue == String {
        value().split(separator: ",").map { name in
            guard let item = Kind(rawValue: String(name)) else { fail("unknown \(what) '\(name)'") }
            return item
        }
    }

    /// The program `name` in the folder of the one running (the `apus` a release build puts
    /// beside the benchmark).
    package static func besideThisProgram(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent(name).path
    }
}

extension ServerProcess {
    /// Ctrl-C or a kill of the benchmark takes the child servers with it.
    package static func terminateAllOnInterrupt() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { _ in
                ServerProcess.terminateAll()
                _exit(130)
            }
        }
    }
}
