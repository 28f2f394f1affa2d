import Archive
import DICOM
import PostgresNIO

/// Where each level and attribute lives in the PostgreSQL schema, and the values a
/// registration writes.
enum PostgresColumns {
    /// A value to bind: text or integer, NULL when absent.
    enum Value {
        case text(String?)
        case integer(Int?)

        func append(to binds: inout PostgresBindings) {
            switch self {
            case .text(let text): binds.append(text)
            case .integer(let number): binds.append(number)
            }
        }
    }

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

    static func alias(_ level: QueryLevel) -> String {
        switch level {
        case .patient: "p"
        case .study: "st"
        case .series: "se"
        case .image: "i"
        }
    }

    /// Quoted, since keywords such as `Rows` are SQL words too; lower-cased as PostgreSQL
    /// folds the unquoted names the rest of the SQL uses. Keywords come from the catalog,
    /// never from input.
    static func column(_ attribute: IndexedAttribute) -> String { "\"\(attribute.keyword.lowercased())\"" }

    static func keyColumn(_ attribute: IndexedAttribute) -> String { "\"\(attribute.keyword.lowercased())_key\"" }

    static func qualified(_ attribute: IndexedAttribute) -> String {
        alias(attribute.level) + "." + column(attribute)
    }

    static func qualifiedKey(_ attribute: IndexedAttribute) -> String {
        alias(attribute.level) + "." + keyColumn(attribute)
    }

    /// The columns of one level's row a registration writes, in order: every catalog
    /// attribute of the level and, after it, its key column when it has one.
    static func registeredColumns(at level: QueryLevel) -> [(name: String, attribute: IndexedAttribute, isKey: Bool)] {
        AttributeCatalog.attributes(at: level).flatMap { attribute in
            attribute.kind.hasMatchKey
                ? [(column(attribute), attribute, false), (keyColumn(attribute), attribute, true)]
                : [(column(attribute), attribute, false)]
        }
    }

    /// The type each of `registeredColumns` is bound as.
    static func registeredTypes(at level: QueryLevel) -> [PostgresDataType] {
        registeredColumns(at: level).map { $0.attribute.kind == .integer && !$0.isKey ? .int8 : .text }
    }

    /// Column names and values of one level's row, for INSERT or UPDATE: every catalog
    /// attribute of the level (NULL when the instance has no value) and its key column.
    static func values(at level: QueryLevel, of registration: InstanceRegistration) -> [(String, Value)] {
        registeredColumns(at: level).map { column in
            var text = registration.values[column.attribute.tag]
            // The patient's identity columns are the identity, empty rather than NULL.
            if column.attribute.tag == .patientID { text = registration.patient.patientID }
            if column.attribute.tag == .issuerOfPatientID { text = registration.patient.issuer }
            if column.isKey {
                let key = text.flatMap { MatchKey.key(for: $0, kind: column.attribute.kind) }
                return (column.name, .text(key.map(storable)))
            }
            if column.attribute.kind == .integer { return (column.name, .integer(text.flatMap { Int($0) })) }
            return (column.name, .text(text.map(storable)))
        }
    }

    /// PostgreSQL text cannot hold NUL, which a malformed value may carry (SQLite keeps it):
    /// dropped, so that such an instance is still indexed rather than refused.
    static func storable(_ text: String) -> String {
        text.contains("\0") ? String(text.unicodeScalars.filter { $0 != "\0" }.map(Character.init)) : text
    }
}
