import Foundation

/// The top-level object of `--config PATH`: one JSON file, or, as Orthanc takes it (Korthweb
/// starts Orthanc with `/run/secrets/`), a directory whose `.json` files are read in name
/// order and merged — a key set in two of them is an error, as in Orthanc.
enum ConfigurationFile {
    static func read(_ path: String, environment: [String: String]) throws(ConfigurationError) -> [String: Any] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigurationError(setting: path, problem: "cannot read the configuration file: it does not exist")
        }
        guard isDirectory.boolValue else { return try object(of: path, environment: environment) }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            throw ConfigurationError(setting: path, problem: "cannot list the configuration directory")
        }
        guard !names.isEmpty else {
            throw ConfigurationError(setting: path, problem: "the configuration directory holds no .json file")
        }
        var merged: [String: Any] = [:]
        var origin: [String: String] = [:]
        for name in names {
            let file = (path as NSString).appendingPathComponent(name)
            for (key, value) in try object(of: file, environment: environment) {
                if let first = origin[key] {
                    throw ConfigurationError(setting: file, problem: "'\(key)' is set in \(first) too")
                }
                merged[key] = value
                origin[key] = file
            }
        }
        return merged
    }

    private static func object(of file: String, environment: [String: String]) throws(ConfigurationError)
        -> [String: Any]
    {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigurationError(setting: file, problem: "cannot read the configuration file")
        }
        let text = ConfigurationText.prepared(String(decoding: data, as: UTF8.self), environment: environment)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        } catch {
            throw ConfigurationError(setting: file, problem: "not valid JSON: \(error.localizedDescription)")
        }
        guard let settings = object as? [String: Any] else {
            throw ConfigurationError(setting: file, problem: "the configuration must be a JSON object")
        }
        return settings
    }
}
