/// Version 6: the counter triggers become constraint triggers, still fired at the end of
/// each statement unless a transaction defers them to its commit.
///
/// A registration defers them (`PostgresRegistrar`): fired with the INSERT, they lock the
/// series, study and patient rows from there to the commit, and every other registration
/// into the study waits that long; in a STOW-RS run on PostgreSQL most backends waited there.
/// Deferred, those rows are locked only while the registration commits, after it has taken
/// the change log's lock. Whoever changes counts without deferring (a delete) takes the
/// change log's lock first, so that every writer takes the two in one order.
///
/// Expand only: a build of version 5 never defers them, and sees the triggers as before.
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

    /// The first statement of a registration's transaction.
    static let deferCounters = "SET CONSTRAINTS \(counterTriggerNames.joined(separator: ", ")) DEFERRED"
}
