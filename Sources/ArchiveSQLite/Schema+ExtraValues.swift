extension Schema {
    /// Version 3: the values of the configured extra attributes (`ExtraAttributes`), one row
    /// per entity and attribute, and which attributes have been filled for the entities
    /// stored before they were configured. Self-contained: it touches no earlier table.
    ///
    /// The primary key serves the returned values (level, entity, tag); the two indexes serve
    /// matching, on the value as received and on its `MatchKey` form.
    static let extraValues: [String] =
        [
            """
            CREATE TABLE extra_values (
                level TEXT NOT NULL,
                entity_pk INTEGER NOT NULL,
                tag INTEGER NOT NULL,
                value TEXT NOT NULL,
                value_key TEXT,
                PRIMARY KEY (level, entity_pk, tag)
            ) STRICT, WITHOUT ROWID
            """,
            "CREATE INDEX extra_values_value ON extra_values (level, tag, value)",
            "CREATE INDEX extra_values_key ON extra_values (level, tag, value_key)",
            """
            CREATE TABLE extra_attributes (
                level TEXT NOT NULL,
                tag INTEGER NOT NULL,
                filled INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (level, tag)
            ) STRICT
            """,
        ]
        + [("patients", "PATIENT"), ("studies", "STUDY"), ("series", "SERIES"), ("instances", "IMAGE")].map {
            table, level in
            """
            CREATE TRIGGER \(table)_extra_values_removed AFTER DELETE ON \(table) BEGIN
                DELETE FROM extra_values WHERE level = '\(level)' AND entity_pk = OLD.pk;
            END
            """
        }
}
