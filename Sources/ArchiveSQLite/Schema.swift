import Archive

/// The index schema as numbered migrations. A database records the last one applied in
/// `PRAGMA user_version`; opening applies the missing ones in order, each in its own
/// transaction. A migration, once released, is never edited: changes come as a new one.
///
/// Columns of the catalog's attributes (`AttributeCatalog`) carry the attribute's keyword
/// as their name; dates, times, date-times and person names have a second column,
/// `<keyword>_key`, with the `MatchKey` form that ranges and case-insensitive matching
/// compare. Counts and sizes are kept by triggers, so they are right whatever writes.
enum Schema {
    struct Migration {
        let version: Int
        /// One statement each: SQLite compiles one statement per call.
        let statements: [String]
        /// Work done in Swift after the statements, in the same transaction: values SQL can't
        /// compute (SHA-1 ids).
        var fill: (@Sendable (SQLiteSession) throws -> Void)? = nil
    }

    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The current time in seconds since 1970, to the millisecond, as inserts write it. The
    /// tables' `DEFAULT (unixepoch('subsec'))` needs SQLite 3.42; before that it is NULL,
    /// which the NOT NULL columns refuse, so every insert gives the time itself.
    static let now = "((julianday('now') - 2440587.5) * 86400.0)"

    static let migrations: [Migration] = [
        Migration(version: 1, statements: version1),
        // REST ids (`ResourceID`) of every row, looked up by the REST API; the rows stored
        // before this version get theirs computed in Swift (SQLite has no SHA-1).
        Migration(version: 2, statements: version2, fill: { try ResourceIDFill.fill(on: $0) }),
        Migration(version: 3, statements: extraValues),
        Migration(version: 4, statements: changePaths),
    ]

    /// Not unique: two entities whose keys hash alike (`A|B` with no issuer, and `A` issued by
    /// `B`) must both be storable; a look-up takes the first.
    private static let version2: [String] = QueryLevel.allCases.flatMap { level in
        [
            "ALTER TABLE \(Columns.table(level)) ADD COLUMN resource_id TEXT",
            "CREATE INDEX \(Columns.table(level))_resource_id ON \(Columns.table(level)) (resource_id)",
        ]
    }

    private static let version1: [String] =
        [
            """
            CREATE TABLE patients (
                pk INTEGER PRIMARY KEY,
                PatientID TEXT NOT NULL,
                IssuerOfPatientID TEXT NOT NULL,
                PatientName TEXT, PatientName_key TEXT,
                PatientBirthDate TEXT, PatientBirthDate_key TEXT,
                PatientSex TEXT,
                study_count INTEGER NOT NULL DEFAULT 0,
                series_count INTEGER NOT NULL DEFAULT 0,
                instance_count INTEGER NOT NULL DEFAULT 0,
                size INTEGER NOT NULL DEFAULT 0,
                UNIQUE (PatientID, IssuerOfPatientID)
            ) STRICT
            """,
            """
            CREATE TABLE studies (
                pk INTEGER PRIMARY KEY,
                patient_pk INTEGER NOT NULL REFERENCES patients (pk),
                StudyInstanceUID TEXT NOT NULL UNIQUE,
                StudyDate TEXT, StudyDate_key TEXT,
                StudyTime TEXT, StudyTime_key TEXT,
                AccessionNumber TEXT,
                StudyID TEXT,
                ReferringPhysicianName TEXT, ReferringPhysicianName_key TEXT,
                StudyDescription TEXT,
                PatientAge TEXT,
                series_count INTEGER NOT NULL DEFAULT 0,
                instance_count INTEGER NOT NULL DEFAULT 0,
                size INTEGER NOT NULL DEFAULT 0
            ) STRICT
            """,
            """
            CREATE TABLE series (
                pk INTEGER PRIMARY KEY,
                study_pk INTEGER NOT NULL REFERENCES studies (pk),
                SeriesInstanceUID TEXT NOT NULL UNIQUE,
                Modality TEXT,
                SeriesNumber INTEGER,
                SeriesDescription TEXT,
                BodyPartExamined TEXT,
                SeriesDate TEXT, SeriesDate_key TEXT,
                SeriesTime TEXT, SeriesTime_key TEXT,
                PerformedProcedureStepStartDate TEXT, PerformedProcedureStepStartDate_key TEXT,
                PerformedProcedureStepStartTime TEXT, PerformedProcedureStepStartTime_key TEXT,
                instance_count INTEGER NOT NULL DEFAULT 0,
                size INTEGER NOT NULL DEFAULT 0
            ) STRICT
            """,
            """
            CREATE TABLE instances (
                pk INTEGER PRIMARY KEY,
                series_pk INTEGER NOT NULL REFERENCES series (pk),
                SOPInstanceUID TEXT NOT NULL UNIQUE,
                SOPClassUID TEXT NOT NULL,
                InstanceNumber INTEGER,
                Rows INTEGER,
                Columns INTEGER,
                NumberOfFrames INTEGER,
                ContentDate TEXT, ContentDate_key TEXT,
                ContentTime TEXT, ContentTime_key TEXT,
                AcquisitionDateTime TEXT, AcquisitionDateTime_key TEXT,
                AvailableTransferSyntaxUID TEXT NOT NULL,
                blob_key TEXT NOT NULL UNIQUE,
                size INTEGER NOT NULL,
                stored_at REAL NOT NULL DEFAULT (unixepoch('subsec'))
            ) STRICT
            """,
            // Apart from the rows, so that scans of instances don't page through JSON.
            """
            CREATE TABLE instance_metadata (
                instance_pk INTEGER PRIMARY KEY REFERENCES instances (pk) ON DELETE CASCADE,
                encoding INTEGER NOT NULL,
                bytes BLOB NOT NULL
            ) STRICT
            """,
            """
            CREATE TABLE changes (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL,
                level TEXT NOT NULL,
                uid TEXT NOT NULL,
                issuer TEXT,
                at REAL NOT NULL DEFAULT (unixepoch('subsec'))
            ) STRICT
            """,
            // The keys QIDO-RS and C-FIND filter on most, and the joins up the hierarchy.
            "CREATE INDEX patients_name ON patients (PatientName_key)",
            "CREATE INDEX patients_name_exact ON patients (PatientName)",
            "CREATE INDEX patients_birth_date ON patients (PatientBirthDate_key)",
            "CREATE INDEX studies_patient ON studies (patient_pk)",
            "CREATE INDEX studies_date ON studies (StudyDate_key)",
            "CREATE INDEX studies_accession ON studies (AccessionNumber)",
            "CREATE INDEX studies_study_id ON studies (StudyID)",
            "CREATE INDEX studies_referring ON studies (ReferringPhysicianName_key)",
            "CREATE INDEX series_study_modality ON series (study_pk, Modality)",
            "CREATE INDEX series_modality ON series (Modality)",
            "CREATE INDEX instances_series ON instances (series_pk, InstanceNumber)",
            "CREATE INDEX instances_sop_class ON instances (SOPClassUID)",
        ] + counterTriggers

    /// Counts and sizes up the hierarchy, kept in the same transaction as the rows.
    private static let counterTriggers: [String] = [
        """
        CREATE TRIGGER instances_added AFTER INSERT ON instances BEGIN
            UPDATE series SET instance_count = instance_count + 1, size = size + NEW.size
                WHERE pk = NEW.series_pk;
            UPDATE studies SET instance_count = instance_count + 1, size = size + NEW.size
                WHERE pk = (SELECT study_pk FROM series WHERE pk = NEW.series_pk);
            UPDATE patients SET instance_count = instance_count + 1, size = size + NEW.size
                WHERE pk = (SELECT st.patient_pk FROM studies st JOIN series se ON se.study_pk = st.pk
                            WHERE se.pk = NEW.series_pk);
        END
        """,
        """
        CREATE TRIGGER instances_removed AFTER DELETE ON instances BEGIN
            UPDATE series SET instance_count = instance_count - 1, size = size - OLD.size
                WHERE pk = OLD.series_pk;
            UPDATE studies SET instance_count = instance_count - 1, size = size - OLD.size
                WHERE pk = (SELECT study_pk FROM series WHERE pk = OLD.series_pk);
            UPDATE patients SET instance_count = instance_count - 1, size = size - OLD.size
                WHERE pk = (SELECT st.patient_pk FROM studies st JOIN series se ON se.study_pk = st.pk
                            WHERE se.pk = OLD.series_pk);
        END
        """,
        """
        CREATE TRIGGER instances_resized AFTER UPDATE OF size ON instances BEGIN
            UPDATE series SET size = size - OLD.size + NEW.size WHERE pk = NEW.series_pk;
            UPDATE studies SET size = size - OLD.size + NEW.size
                WHERE pk = (SELECT study_pk FROM series WHERE pk = NEW.series_pk);
            UPDATE patients SET size = size - OLD.size + NEW.size
                WHERE pk = (SELECT st.patient_pk FROM studies st JOIN series se ON se.study_pk = st.pk
                            WHERE se.pk = NEW.series_pk);
        END
        """,
        """
        CREATE TRIGGER series_added AFTER INSERT ON series BEGIN
            UPDATE studies SET series_count = series_count + 1 WHERE pk = NEW.study_pk;
            UPDATE patients SET series_count = series_count + 1
                WHERE pk = (SELECT patient_pk FROM studies WHERE pk = NEW.study_pk);
        END
        """,
        """
        CREATE TRIGGER series_removed AFTER DELETE ON series BEGIN
            UPDATE studies SET series_count = series_count - 1 WHERE pk = OLD.study_pk;
            UPDATE patients SET series_count = series_count - 1
                WHERE pk = (SELECT patient_pk FROM studies WHERE pk = OLD.study_pk);
        END
        """,
        """
        CREATE TRIGGER studies_added AFTER INSERT ON studies BEGIN
            UPDATE patients SET study_count = study_count + 1 WHERE pk = NEW.patient_pk;
        END
        """,
        """
        CREATE TRIGGER studies_removed AFTER DELETE ON studies BEGIN
            UPDATE patients SET study_count = study_count - 1 WHERE pk = OLD.patient_pk;
        END
        """,
    ]
}
