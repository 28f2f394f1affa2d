import Archive
import DICOM

/// Where each level and attribute lives in the schema, and the values a registration writes.
enum Columns {
    static func table(_ level: QueryLevel) -> String {
        switch level {
        case .patient: "patients"
        case .study: "studies"
        case .series: "series"
        case .image: "instances"
        }
    }

    /// The column of a child row that holds its parent's primary key.
    static func foreignKey(to parent: QueryLevel) -> String {
        switch parent {
        case .patient: "patient_pk"
        case .study: "study_pk"
        case .series: "series_pk"
        case .image: "instance_pk"
        }
    }

    /// The alias queries give each level's table.
    static func alias(_ level: QueryLevel) -> String {
        switch level {
        case .patient: "p"
        case .study: "st"
        case .series: "se"
        case .image: "i"
        }
    }

    /// Quoted, since keywords such as `Rows` are SQL words too. Keywords come from the
    /// catalog, never from input.
    static func column(_ attribute: IndexedAttribute) -> String { "\"\(attribute.keyword)\"" }

    static func keyColumn(_ attribute: IndexedAttribute) -> String { "\"\(attribute.keyword)_key\"" }

    static func qualified(_ attribute: IndexedAttribute) -> String {
        alias(attribute.level) + "." + column(attribute)
    }

    static func qualifiedKey(_ attribute: IndexedAttribute) -> String {
        alias(attribute.level) + "." + keyColumn(attribute)
    }

    /// Column names and values of one level's row, for INSERT or UPDATE: every catalog
    /// attribute of the level (NULL when the instance has no value) and its key column.
    static func values(at level: QueryLevel, of registration: InstanceRegistration) -> [(String, SQLiteData)] {
        var result: [(String, SQLiteData)] = []
        for attribute in AttributeCatalog.attributes(at: level) {
            var text = registration.values[attribute.tag]
            // The patient's identity columns are the identity, empty rather than NULL.
            if attribute.tag == .patientID { text = registration.patient.patientID }
            if attribute.tag == .issuerOfPatientID { text = registration.patient.issuer }
            result.append((column(attribute), data(text, kind: attribute.kind)))
            if attribute.kind.hasMatchKey {
                let key = text.flatMap { MatchKey.key(for: $0, kind: attribute.kind) }
                result.append((keyColumn(attribute), key.map { .text($0) } ?? .null))
            }
        }
        return result
    }

    private static func data(_ text: String?, kind: MatchingKind) -> SQLiteData {
        guard let text else { return .null }
        if kind == .integer { return Int(text).map { .integer($0) } ?? .null }
        return .text(text)
    }

    /// The text of a column as `IndexRow` carries it: integers in decimal, empty as absent.
    static func text(_ data: SQLiteData?) -> String? {
        switch data {
        case .integer(let value): String(value)
        case .text(let value): value.isEmpty ? nil : value
        case .float(let value): String(value)
        default: nil
        }
    }
}
