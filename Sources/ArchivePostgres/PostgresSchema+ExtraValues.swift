extension PostgresSchema {
    /// Version 4: the values of the configured extra attributes (`ExtraAttributes`), one row
    /// per entity and attribute, and which attributes have been filled for the entities
    /// stored before they were configured. Self-contained: earlier tables only gain
    /// triggers that remove an entity's values with it.
    ///
    /// The primary key serves the returned values (level, entity, tag); the two "C"
    /// B-trees serve matching on the value as received (equality, `ABC*` prefixes) and on
    /// its `MatchKey` form (ranges, case-insensitive names).
    static let extraValues: [String] =
        [
            """
            CREATE TABLE extra_values (
                level text COLLATE "C" NOT NULL,
                entity_pk bigint NOT NULL,
                tag bigint NOT NULL,
                value text COLLATE "C" NOT NULL,
                value_key text COLLATE "C",
                PRIMARY KEY (level, entity_pk, tag)
            )
            """,
            "CREATE INDEX extra_values_value ON extra_values (level, tag, value)",
            "CREATE INDEX extra_values_key ON extra_values (level, tag, value_key)",
            """
            CREATE TABLE extra_attributes (
                level text COLLATE "C" NOT NULL,
                tag bigint NOT NULL,
                filled boolean NOT NULL DEFAULT false,
                PRIMARY KEY (level, tag)
            )
            """,
            """
            CREATE FUNCTION apus_extra_values_removed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM extra_values WHERE level = TG_ARGV[0] AND entity_pk = OLD.pk;
                RETURN NULL;
            END
            $$
            """,
        ]
        + [("patients", "PATIENT"), ("studies", "STUDY"), ("series", "SERIES"), ("instances", "IMAGE")].map {
            table, level in
            """
            CREATE TRIGGER \(table)_extra_values_removed AFTER DELETE ON \(table)
            FOR EACH ROW EXECUTE FUNCTION apus_extra_values_removed('\(level)')
            """
        }
}
