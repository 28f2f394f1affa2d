/// Version 6: the counter triggers become constraint triggers, still fired at the end of
/// each statement unless a transaction defers them.
///
/// A registration defers them to its commit (`PostgresRegistrar`): fired with the INSERT, they
/// lock the series, study and patient rows from there to the commit, and every other
/// registration into the study waits that long; in a STOW-RS run on PostgreSQL most backends
/// waited there. Deferred, those rows are locked only while the registration commits, after it
/// has taken the change log's lock. A delete defers them too, and applies them once it holds
/// that lock (`PostgresDeleter`): every writer takes the lock, then the rows.
///
/// Expand only: a build of version 5 never defers them, and sees the triggers as before. It
/// takes the rows before the lock, though, so while replicas of both run (a rolling upgrade),
/// two stores into one study through one of each can deadlock: PostgreSQL ends one after
/// `deadlock_timeout` (1 s) and it is retried, as any deadlock is.
extension PostgresSchema {
    static let counterTriggerNames = ["instances_counted", "series_counted", "studies_counted"]

    static let deferrableCounters: [String] = [
        "DROP TRIGGER instances_counted ON instances",
        """
        CREATE CONSTRAINT TRIGGER instances_counted AFTER INSERT OR DELETE OR UPDATE OF size ON instances
            DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION apus_instances_changed()
        """,
        "DROP TRIGGER series_counted ON series",
        """
        CREATE CONSTRAINT TRIGGER series_counted AFTER INSERT OR DELETE ON series
            DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION apus_series_changed()
        """,
        "DROP TRIGGER studies_counted ON studies",
        """
        CREATE CONSTRAINT TRIGGER studies_counted AFTER INSERT OR DELETE ON studies
            DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION apus_studies_changed()
        """,
    ]

    /// The first statement of a registration's or a delete's transaction.
    static let deferCounters = "SET CONSTRAINTS \(counterTriggerNames.joined(separator: ", ")) DEFERRED"
    /// Applies the counts deferred so far, and the later ones as they happen.
    static let applyCounters = "SET CONSTRAINTS \(counterTriggerNames.joined(separator: ", ")) IMMEDIATE"
}
