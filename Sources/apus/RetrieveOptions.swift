import ArgumentParser
import DICOM
import DICOMNetwork

/// What `apus get` and `apus move` share: the keys that say what to retrieve, as `apus find`
/// takes them, the level and the information model.
struct RetrieveOptions: ParsableArguments {
    @Option(
        name: [.customShort("k"), .customLong("key")],
        help: ArgumentHelp("A key: Keyword=Value or gggg,eeee=Value.", valueName: "key"))
    var keys: [String] = []

    @Option(name: [.customShort("L"), .long], help: "The Query/Retrieve level (default STUDY).")
    var level: Find.Level?

    @Flag var model: Find.Model = .studyRoot

    func validate() throws {
        guard !keys.isEmpty else {
            throw ValidationError("say what to retrieve with -k, e.g. -k StudyInstanceUID=1.2.3")
        }
        if level == .patient, model == .studyRoot {
            throw ValidationError("the PATIENT level needs --patient-root (-P)")
        }
        do {
            _ = try identifier()
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The keys, with the level of -L, else of a key, else STUDY.
    func identifier() throws(QueryKey.Invalid) -> DataSet {
        try QueryIdentifier.build(keys: keys, orDefaultLevel: level)
    }

    var getModel: UID {
        model == .studyRoot ? .studyRootQueryRetrieveInformationModelGet : .patientRootQueryRetrieveInformationModelGet
    }

    var moveModel: UID {
        model == .studyRoot
            ? .studyRootQueryRetrieveInformationModelMove : .patientRootQueryRetrieveInformationModelMove
    }

    /// "completed 3, failed 1, warning 0" from a final response's counts.
    static func counts(_ result: RetrieveResult) -> String {
        counts(result.subOperations)
    }

    static func counts(_ counts: SubOperationCounts) -> String {
        "completed \(counts.completed ?? 0), failed \(counts.failed ?? 0), warning \(counts.warning ?? 0)"
            + (counts.remaining.map { $0 > 0 ? ", remaining \($0)" : "" } ?? "")
    }
}
