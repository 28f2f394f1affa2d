import Archive
import DICOM

/// The `extra_values` table: the configured extra attributes' values, written with the rows
/// they describe, matched and returned through subqueries on the entity's primary key.
/// Levels and tags are spliced as literals; they come from the configuration, checked
/// against the dictionary, never from a query.
enum ExtraValues {
    /// One value of one entity.
    typealias Row = (attribute: IndexedAttribute, entity: Int, value: String)

    /// The values a registration writes: those of the attributes at the levels of the
    /// entities it created (with their primary keys).
    static func rows(of registration: InstanceRegistration, entities: [QueryLevel: Int]) -> [Row] {
        registration.extraValues.compactMap { attribute, value in
            entities[attribute.level].map { (attribute, $0, value) }
        }
    }

    /// Writes values, keeping any an entity has already.
    static func insert(
        _ registration: InstanceRegistration, entities: [QueryLevel: Int], on session: SQLiteSession
    ) throws {
        try insert(rows(of: registration, entities: entities), on: session)
    }

    static func insert(_ values: [Row], on session: SQLiteSession) throws {
        guard !values.isEmpty else { return }
        var binds: [SQLiteData] = []
        for (attribute, entity, value) in values {
            binds += [
                .text(attribute.level.rawValue), .integer(entity), .integer(Int(attribute.tag.rawValue)), .text(value),
                MatchKey.key(for: value, kind: attribute.kind).map { .text($0) } ?? .null,
            ]
        }
        let rows = Array(repeating: "(?, ?, ?, ?, ?)", count: values.count).joined(separator: ", ")
        try session.execute(
            "INSERT OR IGNORE INTO extra_values (level, entity_pk, tag, value, value_key) VALUES \(rows)", binds)
    }

    /// An overwritten instance's values are the new copy's.
    static func replace(
        _ registration: InstanceRegistration, instancePK: Int, on session: SQLiteSession
    ) throws {
        try session.execute(
            "DELETE FROM extra_values WHERE level = 'IMAGE' AND entity_pk = ?", [.integer(instancePK)])
        try insert(registration, entities: [.image: instancePK], on: session)
    }

    /// The subquery that selects the entities whose value matches `predicate` (written on
    /// `x.value` and `x.value_key`), for `<alias>.pk IN (…)`.
    static func matching(_ attribute: IndexedAttribute, predicate: String) -> String {
        "\(Columns.alias(attribute.level)).pk IN (SELECT x.entity_pk FROM extra_values x WHERE "
            + "x.level = '\(attribute.level.rawValue)' AND x.tag = \(attribute.tag.rawValue) AND \(predicate))"
    }

    /// The value of an entity in a query's select list.
    static func value(_ attribute: IndexedAttribute) -> String {
        "(SELECT x.value FROM extra_values x WHERE x.level = '\(attribute.level.rawValue)' "
            + "AND x.entity_pk = \(Columns.alias(attribute.level)).pk AND x.tag = \(attribute.tag.rawValue))"
    }
}
