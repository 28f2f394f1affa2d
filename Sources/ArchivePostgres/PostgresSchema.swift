import Archive

/// The index schema for PostgreSQL as numbered migrations, recorded in
/// `apus_schema_migrations`. A migration, once released, is never edited.
///
/// Migrations are written expand-then-contract, so that a rolling upgrade never stops a
/// replica: a release only adds (tables, nullable columns, indexes built `CONCURRENTLY`),
/// and the replicas still on the previous release keep working on the expanded schema. What
/// the new release no longer needs is dropped by a later release's "contract" migration,
/// once no replica of the old one can be running. Each migration records the oldest schema
/// version whose code still works after it (`compatibleFrom`): an expand migration keeps
/// the previous value, a contract migration raises it, and a build refuses to start only
/// when the database holds a migration that declares it incompatible.
///
/// Text columns use the "C" collation: comparisons are byte-wise as in the SQLite index
/// (ranges of dates and times compare their normalised text), and a plain B-tree index on a
/// "C" column also serves `LIKE 'PREFIX%'`, which under a language collation would need a
/// second index with `text_pattern_ops`. Attribute columns carry the keyword, lower-cased
/// (PostgreSQL folds unquoted names), and a `<keyword>_key` column for dates, times,
/// date-times and person names, with the `MatchKey` form that ranges and case-insensitive
/// matches compare (person names upper-cased). Counts and sizes are kept by triggers.
enum PostgresSchema {
    struct Migration {
        let version: Int
        /// The oldest schema version whose code runs on a database with this migration.
        let compatibleFrom: Int
        /// False for statements PostgreSQL refuses inside a transaction, such as
        /// `CREATE INDEX CONCURRENTLY` (the way to index a large table without blocking writes).
        let transactional: Bool
        let statements: [String]
    }

    static var latestVersion: Int { migrations.last?.version ?? 0 }

    static let migrations: [Migration] = [
        Migration(version: 1, compatibleFrom: 1, transactional: true, statements: tables + indexes + counterTriggers),
        // Expand only: new tables, which builds of version 1 never read.
        Migration(version: 2, compatibleFrom: 1, transactional: true, statements: blobTables),
        // Expand only: REST ids (`ResourceID`). Builds of version 1 and 2 keep inserting rows
        // without one; `PostgresResourceIDFill` computes the missing ones (at start and when a
        // look-up misses), since PostgreSQL has no SHA-1 without an extension.
        Migration(version: 3, compatibleFrom: 1, transactional: false, statements: resourceIDs),
        // Expand only: new tables and triggers that delete from them.
        Migration(version: 4, compatibleFrom: 1, transactional: true, statements: extraValues),
        // Expand only: nullable columns, which builds before it don't write.
        Migration(version: 5, compatibleFrom: 1, transactional: true, statements: changePaths),
        // Expand only: the same triggers, which a transaction may now defer to its commit.
        Migration(version: 6, compatibleFrom: 1, transactional: true, statements: deferrableCounters),
    ]

    /// A nullable column (instant to add, even to a large table) and indexes built without
    /// blocking writes: by id, and of the rows still without one. Not unique: two entities
    /// whose keys hash alike (`A|B` with no issuer, and `A` issued by `B`) must both be
    /// storable. Each index is dropped first, in case an interrupted run left it invalid.
    private static let resourceIDs: [String] =
        QueryLevel.allCases.map { level in
            "ALTER TABLE \(PostgresColumns.table(level)) ADD COLUMN IF NOT EXISTS resource_id text COLLATE \"C\""
        }
        + QueryLevel.allCases.flatMap { level in
            let table = PostgresColumns.table(level)
            return [
                "DROP INDEX CONCURRENTLY IF EXISTS \(table)_resource_id",
                "CREATE INDEX CONCURRENTLY \(table)_resource_id ON \(table) (resource_id)",
                "DROP INDEX CONCURRENTLY IF EXISTS \(table)_resource_id_missing",
                "CREATE INDEX CONCURRENTLY \(table)_resource_id_missing ON \(table) (pk) WHERE resource_id IS NULL",
            ]
        }

    /// Files in the database (`PostgresBlobStore`): an upload's chunks are written, each in
    /// its own short statement, before the `blobs` row that makes them visible commits.
    private static let blobTables: [String] = [
        """
        CREATE TABLE blob_uploads (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            started timestamptz NOT NULL DEFAULT now()
        )
        """,
        """
        CREATE TABLE blob_chunks (
            upload_id bigint NOT NULL REFERENCES blob_uploads (id) ON DELETE CASCADE,
            "offset" bigint NOT NULL,
            bytes bytea NOT NULL,
            PRIMARY KEY (upload_id, "offset")
        )
        """,
        // Pixel data is mostly compressed already: TOAST would try to compress it again.
        "ALTER TABLE blob_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL",
        """
        CREATE TABLE blobs (
            key text COLLATE "C" PRIMARY KEY,
            upload_id bigint NOT NULL UNIQUE REFERENCES blob_uploads (id) ON DELETE CASCADE,
            size bigint NOT NULL,
            modified timestamptz NOT NULL DEFAULT now()
        )
        """,
    ]

    private static let tables: [String] = [
        // Trigram indexes (below) for wild cards that don't start with a fixed prefix. The
        // extension is "trusted" since PostgreSQL 13: the database owner may create it.
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        """
        CREATE TABLE patients (
            pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            patientid text COLLATE "C" NOT NULL,
            issuerofpatientid text COLLATE "C" NOT NULL,
            patientname text COLLATE "C", patientname_key text COLLATE "C",
            patientbirthdate text COLLATE "C", patientbirthdate_key text COLLATE "C",
            patientsex text COLLATE "C",
            study_count bigint NOT NULL DEFAULT 0,
            series_count bigint NOT NULL DEFAULT 0,
            instance_count bigint NOT NULL DEFAULT 0,
            size bigint NOT NULL DEFAULT 0,
            UNIQUE (patientid, issuerofpatientid)
        )
        """,
        """
        CREATE TABLE studies (
            pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            patient_pk bigint NOT NULL REFERENCES patients (pk),
            studyinstanceuid text COLLATE "C" NOT NULL UNIQUE,
            studydate text COLLATE "C", studydate_key text COLLATE "C",
            studytime text COLLATE "C", studytime_key text COLLATE "C",
            accessionnumber text COLLATE "C",
            studyid text COLLATE "C",
            referringphysicianname text COLLATE "C", referringphysicianname_key text COLLATE "C",
            studydescription text COLLATE "C",
            patientage text COLLATE "C",
            series_count bigint NOT NULL DEFAULT 0,
            instance_count bigint NOT NULL DEFAULT 0,
            size bigint NOT NULL DEFAULT 0
        )
        """,
        """
        CREATE TABLE series (
            pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            study_pk bigint NOT NULL REFERENCES studies (pk),
            seriesinstanceuid text COLLATE "C" NOT NULL UNIQUE,
            modality text COLLATE "C",
            seriesnumber bigint,
            seriesdescription text COLLATE "C",
            bodypartexamined text COLLATE "C",
            seriesdate text COLLATE "C", seriesdate_key text COLLATE "C",
            seriestime text COLLATE "C", seriestime_key text COLLATE "C",
            performedprocedurestepstartdate text COLLATE "C", performedprocedurestepstartdate_key text COLLATE "C",
            performedprocedurestepstarttime text COLLATE "C", performedprocedurestepstarttime_key text COLLATE "C",
            instance_count bigint NOT NULL DEFAULT 0,
            size bigint NOT NULL DEFAULT 0
        )
        """,
        """
        CREATE TABLE instances (
            pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            series_pk bigint NOT NULL REFERENCES series (pk),
            sopinstanceuid text COLLATE "C" NOT NULL UNIQUE,
            sopclassuid text COLLATE "C" NOT NULL,
            instancenumber bigint,
            "rows" bigint,
            "columns" bigint,
            numberofframes bigint,
            contentdate text COLLATE "C", contentdate_key text COLLATE "C",
            contenttime text COLLATE "C", contenttime_key text COLLATE "C",
            acquisitiondatetime text COLLATE "C", acquisitiondatetime_key text COLLATE "C",
            availabletransfersyntaxuid text COLLATE "C" NOT NULL,
            blob_key text COLLATE "C" NOT NULL UNIQUE,
            size bigint NOT NULL,
            stored_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        // Apart from the rows, so that scans of instances don't page through JSON.
        """
        CREATE TABLE instance_metadata (
            instance_pk bigint PRIMARY KEY REFERENCES instances (pk) ON DELETE CASCADE,
            encoding integer NOT NULL,
            bytes bytea NOT NULL
        )
        """,
        // `seq` is taken under a transaction-level advisory lock held until commit (see
        // PostgresChangeLog), so that sequence order is commit order across replicas.
        """
        CREATE TABLE changes (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            kind text NOT NULL,
            level text NOT NULL,
            uid text NOT NULL,
            issuer text,
            at timestamptz NOT NULL DEFAULT now()
        )
        """,
    ]

    /// What keeps C-FIND and QIDO-RS fast at ten million instances: every key a viewer or a
    /// modality worklist filters on reaches its rows through an index, never a scan of a
    /// large table; results then join up the hierarchy through the parent keys. The unique
    /// constraints above index the UIDs, `(patientid, issuer)` and `blob_key` already.
    private static let indexes: [String] = [
        // PatientName as matched (upper-cased): equality, `DOE*` (a prefix LIKE, served by a
        // "C" B-tree) and ranges without a scan.
        "CREATE INDEX patients_name_key ON patients (patientname_key)",
        // `*DOE*` or `?OE`: no fixed prefix, so a B-tree can't help; trigrams can (GIN index
        // of three-letter fragments, which LIKE with wild cards anywhere uses).
        "CREATE INDEX patients_name_trgm ON patients USING gin (patientname_key gin_trgm_ops)",
        // Case-sensitive name matching (when the query asks for it) compares the name as received.
        "CREATE INDEX patients_name ON patients (patientname)",
        "CREATE INDEX patients_birth_date ON patients (patientbirthdate_key)",
        // Studies of a patient (QIDO by PatientID, patient-root C-FIND): the join from the patient row.
        "CREATE INDEX studies_patient ON studies (patient_pk)",
        // Date ranges (`StudyDate=20240101-20240131`), the most common worklist filter.
        "CREATE INDEX studies_date ON studies (studydate_key)",
        "CREATE INDEX studies_accession ON studies (accessionnumber)",
        "CREATE INDEX studies_study_id ON studies (studyid)",
        "CREATE INDEX studies_referring ON studies (referringphysicianname_key)",
        "CREATE INDEX studies_description_trgm ON studies USING gin (studydescription gin_trgm_ops)",
        // Series of a study (every study-level answer computes ModalitiesInStudy from these),
        // and ModalitiesInStudy as a key (`EXISTS` over the study's series).
        "CREATE INDEX series_study_modality ON series (study_pk, modality)",
        "CREATE INDEX series_modality ON series (modality)",
        // Instances of a series in order (retrieve, WADO-RS, counts on delete).
        "CREATE INDEX instances_series ON instances (series_pk, instancenumber)",
        "CREATE INDEX instances_sop_class ON instances (sopclassuid)",
    ]

    /// Counts and sizes up the hierarchy, kept in the same transaction as the rows. Each
    /// trigger updates series, then study, then patient: one order for every writer, so that
    /// concurrent ingest into one study waits rather than deadlocks.
    private static let counterTriggers: [String] = [
        """
        CREATE FUNCTION apus_instances_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            row_series bigint;
            delta_count bigint;
            delta_size bigint;
        BEGIN
            IF TG_OP = 'INSERT' THEN
                row_series := NEW.series_pk; delta_count := 1; delta_size := NEW.size;
            ELSIF TG_OP = 'DELETE' THEN
                row_series := OLD.series_pk; delta_count := -1; delta_size := -OLD.size;
            ELSE
                row_series := NEW.series_pk; delta_count := 0; delta_size := NEW.size - OLD.size;
            END IF;
            UPDATE series SET instance_count = instance_count + delta_count, size = size + delta_size
                WHERE pk = row_series;
            UPDATE studies SET instance_count = instance_count + delta_count, size = size + delta_size
                WHERE pk = (SELECT study_pk FROM series WHERE pk = row_series);
            UPDATE patients SET instance_count = instance_count + delta_count, size = size + delta_size
                WHERE pk = (SELECT st.patient_pk FROM studies st JOIN series se ON se.study_pk = st.pk
                            WHERE se.pk = row_series);
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER instances_counted AFTER INSERT OR DELETE OR UPDATE OF size ON instances
            FOR EACH ROW EXECUTE FUNCTION apus_instances_changed()
        """,
        """
        CREATE FUNCTION apus_series_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            row_study bigint;
            delta bigint;
        BEGIN
            IF TG_OP = 'INSERT' THEN row_study := NEW.study_pk; delta := 1;
            ELSE row_study := OLD.study_pk; delta := -1;
            END IF;
            UPDATE studies SET series_count = series_count + delta WHERE pk = row_study;
            UPDATE patients SET series_count = series_count + delta
                WHERE pk = (SELECT patient_pk FROM studies WHERE pk = row_study);
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER series_counted AFTER INSERT OR DELETE ON series
            FOR EACH ROW EXECUTE FUNCTION apus_series_changed()
        """,
        """
        CREATE FUNCTION apus_studies_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                UPDATE patients SET study_count = study_count + 1 WHERE pk = NEW.patient_pk;
            ELSE
                UPDATE patients SET study_count = study_count - 1 WHERE pk = OLD.patient_pk;
            END IF;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER studies_counted AFTER INSERT OR DELETE ON studies
            FOR EACH ROW EXECUTE FUNCTION apus_studies_changed()
        """,
    ]
}
