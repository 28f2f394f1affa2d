import ArgumentParser
import DICOM
import DICOMNetwork

/// `apus find HOST PORT -k Key=Value …`: C-FIND, like findscu.
struct Find: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Query a peer: C-FIND with keys as findscu takes them.",
        discussion: """
            Keys: -k Keyword=Value or -k gggg,eeee=Value, repeated; no value asks for the \
            attribute back. Wildcards (* and ?) and ranges (20240101-20241231) are the peer's \
            matching rules (PS3.4 C.2.2.2). Sequences: -k Seq[0].Keyword=Value. The level is \
            -L, else a QueryRetrieveLevel key, else STUDY. Matches are printed on standard \
            output like dcmdump, or as one DICOM JSON array (PS3.18 F) with --json; their count \
            on standard error.

            \(ExitStatus.summary)
            """)

    enum Level: String, ExpressibleByArgument, CaseIterable, Sendable {
        case patient = "PATIENT"
        case study = "STUDY"
        case series = "SERIES"
        case image = "IMAGE"

        init?(argument: String) {
            self.init(rawValue: argument.uppercased())
        }
    }

    enum Model: EnumerableFlag, Sendable {
        case studyRoot
        case patientRoot

        static func name(for value: Model) -> NameSpecification {
            switch value {
            case .studyRoot: [.customLong("study-root"), .customShort("S")]
            case .patientRoot: [.customLong("patient-root"), .customShort("P")]
            }
        }

        static func help(for value: Model) -> ArgumentHelp? {
            switch value {
            case .studyRoot: "Study Root information model (the default)."
            case .patientRoot: "Patient Root information model."
            }
        }

        var uid: UID {
            switch self {
            case .studyRoot: .studyRootQueryRetrieveInformationModelFind
            case .patientRoot: .patientRootQueryRetrieveInformationModelFind
            }
        }
    }

    @OptionGroup var peer: PeerOptions

    @Option(
        name: [.customShort("k"), .customLong("key")],
        help: ArgumentHelp("A query key: Keyword=Value, gggg,eeee=Value, or just the attribute.", valueName: "key"))
    var keys: [String] = []

    @Option(name: [.customShort("L"), .long], help: "The Query/Retrieve level (default STUDY).")
    var level: Level?

    @Flag var model: Model = .studyRoot

    @Flag(help: "Print the matches as one DICOM JSON array.")
    var json = false

    func validate() throws {
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

    func run() async throws {
        let identifier = try identifier()
        if peer.verbose { printError("C-FIND identifier:\n" + DumpFormatter().format(identifier)) }
        let encoder = DICOMJSONEncoder(prettyPrinted: true)
        var count = 0
        do {
            let association = try await peer.connect([ProposedPresentationContext(abstractSyntax: model.uid)])
            // Each JSON object is printed when the next one arrives, so that the comma goes
            // after it, and the array is closed whatever happens: the output stays one JSON text.
            var previous: String?
            if json { print("[") }
            defer { if json { print((previous ?? "") + "\n]") } }
            for try await match in association.find(identifier, informationModel: model.uid) {
                count += 1
                if json {
                    if let previous { print(previous + ",") }
                    previous = encoder.encodeString(match)
                } else {
                    print("# Match \(count)\n" + DumpFormatter().format(match))
                }
            }
            try await association.release()
        } catch {
            printError("apus find: \(ClientErrorText.describe(error, peer: peer))")
            if count > 0 { printError("apus find: \(count) matches before that") }
            throw ExitStatus(for: error).exitCode
        }
        printError("apus find: \(count) \(count == 1 ? "match" : "matches")")
    }
}
