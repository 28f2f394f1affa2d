import DICOM

/// The identifier of a C-FIND request (PS3.4 C.4.1.1.3.1) built from `-k` keys and the level.
enum QueryIdentifier {
    /// Keys in their order, a later one replacing an earlier one of the same path. Specific
    /// Character Set goes first, so that the values after it are encoded in it; when no key
    /// gives it and a value is not ASCII, it is ISO_IR 192 (UTF-8).
    static func build(keys: [String], level: String?) throws(QueryKey.Invalid) -> DataSet {
        var parsed: [(text: String, key: QueryKey)] = []
        for text in keys { parsed.append((text, try QueryKey(parsing: text))) }
        let isCharacterSet = { (key: QueryKey) in key.path == [QueryKey.Step(tag: .specificCharacterSet)] }
        var identifier = DataSet()
        if !parsed.contains(where: { isCharacterSet($0.key) }),
            parsed.contains(where: { $0.key.value?.utf8.contains(where: { $0 >= 0x80 }) == true })
        {
            identifier.set(.specificCharacterSet, string: "ISO_IR 192")
        }
        for (text, key) in parsed.filter({ isCharacterSet($0.key) }) + parsed.filter({ !isCharacterSet($0.key) }) {
            try key.apply(to: &identifier, key: text)
        }
        if let level { identifier.set(.queryRetrieveLevel, string: level) }
        return identifier
    }

    /// With the level of -L, else of a `QueryRetrieveLevel` key, else STUDY.
    static func build(keys: [String], orDefaultLevel level: Find.Level?) throws(QueryKey.Invalid) -> DataSet {
        let identifier = try build(keys: keys, level: level?.rawValue)
        guard identifier.contains(.queryRetrieveLevel) else {
            return try build(keys: keys, level: Find.Level.study.rawValue)
        }
        return identifier
    }
}
