import Archive
import DICOM
import Logging
import PostgresNIO

/// The `extra_values` table: the configured extra attributes' values, written with the rows
/// they describe, matched and returned through subqueries on the entity's primary key.
/// Levels and tags are spliced as literals; they come from the configuration, checked
/// against the dictionary, never from a query.
enum PostgresExtraValues {
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
    static func insert(_ values: [Row], on connection: PostgresConnection, logger: Logger) async throws {
        guard !values.isEmpty else { return }
        var binds = PostgresBindings()
        var rows: [String] = []
        for (attribute, entity, value) in values {
            let first = binds.count + 1
            binds.append(attribute.level.rawValue)
            binds.append(entity)
            binds.append(Int(attribute.tag.rawValue))
            binds.append(PostgresColumns.storable(value))
            binds.append(MatchKey.key(for: value, kind: attribute.kind).map(PostgresColumns.storable))
            rows.append("(" + (first..<first + 5).map { "$\($0)" }.joined(separator: ", ") + ")")
        }
        try await connection.query(
            PostgresQuery(
                unsafeSQL: "INSERT INTO extra_values (level, entity_pk, tag, value, value_key) VALUES "
                    + rows.joined(separator: ", ") + " ON CONFLICT DO NOTHING", binds: binds),
            logger: logger)
    }

    /// An overwritten instance's values are the new copy's.
    static func replace(
        _ registration: InstanceRegistration, instancePK: Int, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            "DELETE FROM extra_values WHERE level = 'IMAGE' AND entity_pk = \(instancePK)", logger: logger)
        try await insert(rows(of: registration, entities: [.image: instancePK]), on: connection, logger: logger)
    }

    /// The subquery that selects the entities whose value matches `predicate` (written on
    /// `x.value` and `x.value_key`), for `<alias>.pk IN (…)`.
    static func matching(_ attribute: IndexedAttribute, predicate: String) -> String {
        "\(PostgresColumns.alias(attribute.level)).pk IN (SELECT x.entity_pk FROM extra_values x WHERE "
            + "x.level = '\(attribute.level.rawValue)' AND x.tag = \(attribute.tag.rawValue) AND \(predicate))"
    }

    /// The value of an entity in a query's select list.
    static func value(_ attribute: IndexedAttribute) -> String {
        "(SELECT x.value FROM extra_values x WHERE x.level = '\(attribute.level.rawValue)' "
            + "AND x.entity_pk = \(PostgresColumns.alias(attribute.level)).pk AND x.tag = \(attribute.tag.rawValue))"
    }
}
