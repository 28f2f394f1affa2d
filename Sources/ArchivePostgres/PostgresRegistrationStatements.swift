import Archive
import PostgresNIO

// The statements every registration runs, prepared once per connection: parsed, analysed
// and planned afresh each time, they cost PostgreSQL about a fifth of its CPU in a STOW-RS
// run. The rest (a new patient, study or series; a refusal) stays ad hoc.

/// What the index holds of an instance, its study (with the patient) and its series, in one
/// round trip; `PostgresRegistrar.knownRows`.
struct KnownRowsStatement: BoundStatement {
    typealias Row = (Int?, Int?, Int?, String?, String?, Int?, String?)

    static let sql = """
        SELECT i.pk, st.pk, st.patient_pk, p.patientid, p.issuerofpatientid, se.pk, sst.studyinstanceuid
        FROM (SELECT 1) AS one
        LEFT JOIN instances i ON i.sopinstanceuid = $1
        LEFT JOIN studies st ON st.studyinstanceuid = $2
        LEFT JOIN patients p ON p.pk = st.patient_pk
        LEFT JOIN series se ON se.seriesinstanceuid = $3
        LEFT JOIN studies sst ON sst.pk = se.study_pk
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .text, .text]

    let bindings: PostgresBindings

    init(sopInstanceUID: String, studyInstanceUID: String, seriesInstanceUID: String) {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(sopInstanceUID)
        bindings.append(studyInstanceUID)
        bindings.append(seriesInstanceUID)
        self.bindings = bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}

/// The instance row and its metadata; binds as `PostgresRegistrar.insertSQL(.image, …)` says.
struct InsertInstanceStatement: BoundStatement {
    typealias Row = Int

    static let sql = PostgresRegistrar.insertSQL(.image, parent: "series_pk")
    static let bindingDataTypes: [PostgresDataType] =
        [.int8] + PostgresColumns.registeredTypes(at: .image) + [.text, .text, .int8, .int8, .bytea]

    let bindings: PostgresBindings
}

/// The change log's lock (`PostgresChangeLog`), taken before a sequence number is.
struct LockChangesStatement: BoundStatement {
    typealias Row = Int

    static let sql = "SELECT 1 FROM pg_advisory_xact_lock($1)"
    static let bindingDataTypes: [PostgresDataType] = [.int8]

    let bindings: PostgresBindings

    init(key: Int64) {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(key)
        self.bindings = bindings
    }
}

/// One change, the usual case (an instance into a known series), and the change log's lock
/// in one statement: the lock is held from here to the commit, and every other writer waits
/// that long, so a round trip less there is one less for each of them. No sequence number
/// is taken before the lock is: the row to insert comes out of the function that takes it.
/// Binds as `PostgresChangeLog.append` makes them, then the lock's key.
struct AppendChangeStatement: BoundStatement {
    typealias Row = ()

    static let sql = """
        INSERT INTO changes (kind, level, uid, issuer, patient_id, patient_issuer, study_uid, series_uid)
        SELECT $1, $2, $3, $4, $5, $6, $7, $8 FROM pg_advisory_xact_lock($9)
        """
    static let bindingDataTypes: [PostgresDataType] = Array(repeating: .text, count: 8) + [.int8]

    let bindings: PostgresBindings
}
