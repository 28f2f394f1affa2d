import Archive
import DICOM
import Foundation
import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOPosix
import Testing

/// The REST API beside a real Orthanc (Debian's `orthanc`, 1.10): the same files stored in
/// both must get the same ids and answers of the same shape, with the same values where the
/// two should agree. What differs by design is listed in `ignored`.
@Suite struct OrthancInteropTests {
    /// Members whose values differ by design: when the entity changed (time of storage),
    /// whether it is stable (Orthanc's StableAge against Apus's), and the file's name in
    /// the storage area (a UUID in Orthanc, a blob key in Apus).
    static let ignored: Set<String> = ["LastUpdate", "IsStable", "FileUuid"]

    /// The instances both servers receive: a CT with many attributes (the sample fixture
    /// without its Issuer of Patient ID, which qualifies a patient in Apus but not in
    /// Orthanc), and generated ones in two series, a second study and a second patient.
    static func files() throws -> [ByteBuffer] {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("DICOMTests/Fixtures/sample-ct.dcm").path
        var sample = try DICOMFile(contentsOf: fixture)
        _ = sample.dataSet.remove(.issuerOfPatientID)
        let generated = [
            GeneratedInstance(bulkValue: Array(repeating: 7, count: 2000)),
            GeneratedInstance(sop: "1.2.826.0.1.3680043.10.1.1.1.2"),
            GeneratedInstance(
                series: "1.2.826.0.1.3680043.10.1.1.2", sop: "1.2.826.0.1.3680043.10.1.1.2.1", modality: "CT"),
            GeneratedInstance(
                patientID: "P9", patientName: "ROE^JANE", study: "1.2.826.0.1.3680043.10.9",
                series: "1.2.826.0.1.3680043.10.9.1", sop: "1.2.826.0.1.3680043.10.9.1.1"),
        ]
        return [try sample.encoded()] + (try generated.map { try $0.part10() })
    }

    @Test func sameIdsAndAnswersAsOrthanc() async throws {
        let orthanc = try await Orthanc.start()
        defer { orthanc.stop() }
        try await withREST { _, apus in
            // POST /instances: the same ids, parents and status, then AlreadyStored.
            for file in try Self.files() {
                for _ in 0..<2 {
                    let reference = try await orthanc.request("POST", "/instances", body: file)
                    let ours = try await apus.post("/instances", file)
                    #expect(ours.status.code == reference.status)
                    #expect(NSDictionary(dictionary: ours.object) == NSDictionary(dictionary: reference.object))
                }
            }
            for level in ["patients", "studies", "series", "instances"] {
                let reference = try await orthanc.request("GET", "/\(level)")
                let ours = try await apus.get("/\(level)")
                #expect(ours.strings == reference.strings, "\(level)")
                #expect(ours.strings.count > 0)
                for id in reference.strings {
                    try await Self.compare("/\(level)/\(id)", orthanc, apus)
                }
                let expanded = try await apus.get("/\(level)?expand&since=1&limit=2")
                let expandedReference = try await orthanc.request("GET", "/\(level)?expand&since=1&limit=2")
                #expect(
                    (expanded.json as? [[String: Any]])?.map { $0["ID"] as? String }
                        == (expandedReference.json as? [[String: Any]])?.map { $0["ID"] as? String })
            }
            let instances = try await orthanc.request("GET", "/instances").strings
            let studies = try await orthanc.request("GET", "/studies").strings
            let patients = try await orthanc.request("GET", "/patients").strings
            for id in instances {
                for route in ["tags", "simplified-tags", "tags?simplify", "series", "study", "patient"] {
                    try await Self.compare("/instances/\(id)/\(route)", orthanc, apus)
                }
                let file = try await apus.get("/instances/\(id)/file")
                #expect(file.body == (try await orthanc.request("GET", "/instances/\(id)/file")).body)
            }
            for id in studies {
                for route in ["series", "instances", "patient"] {
                    try await Self.compare("/studies/\(id)/\(route)", orthanc, apus, unordered: route == "instances")
                }
            }
            for id in patients {
                for route in ["studies", "series", "instances"] {
                    try await Self.compare("/patients/\(id)/\(route)", orthanc, apus, unordered: route != "studies")
                }
            }
            for body in [
                #"{"Level": "Study", "Query": {"PatientName": "*JOHN*"}}"#,
                #"{"Level": "Instance", "Query": {"StudyDate": "20200101-20201231"}}"#,
                #"{"Level": "Series", "Query": {"Modality": "CT"}, "Expand": true}"#,
                #"{"Level": "Patient", "Query": {}, "Since": 1, "Limit": 5}"#,
            ] {
                try await Self.compare("/tools/find", orthanc, apus, body: ByteBuffer(string: body), unordered: true)
            }
            try await Self.compare("/tools/lookup", orthanc, apus, body: ByteBuffer(string: "1.2.826.0.1.3680043.10.9"))

            let unknown = "00000000-00000000-00000000-00000000-00000000"
            for path in ["/patients/\(unknown)", "/instances/\(unknown)/tags"] {
                #expect(try await apus.get(path).status.code == (try await orthanc.request("GET", path)).status)
            }
            // Deletion: the same closest remaining ancestor, then the same lists.
            for id in [instances[1], instances[2], studies.last ?? ""] {
                let path = id == studies.last ? "/studies/\(id)" : "/instances/\(id)"
                let reference = try await orthanc.request("DELETE", path)
                let ours = try await apus.delete(path)
                #expect(ours.status.code == reference.status, "\(path)")
                #expect(NSDictionary(dictionary: ours.object) == NSDictionary(dictionary: reference.object), "\(path)")
                #expect(try await apus.delete(path).status.code == (try await orthanc.request("DELETE", path)).status)
            }
            for level in ["patients", "studies", "series", "instances"] {
                #expect(
                    try await apus.get("/\(level)").strings == (try await orthanc.request("GET", "/\(level)")).strings)
            }
        }
    }

    /// GET (or POST with a body) from both, and the answers compared: same status, same JSON
    /// apart from the `ignored` members, whose presence and type must still agree.
    ///
    /// `unordered` compares a list as a set: Orthanc's order for descendants more than one
    /// level down and for `/tools/find` is its own (Apus answers in storage order).
    static func compare(
        _ path: String, _ orthanc: Orthanc, _ apus: any TestClientProtocol, body: ByteBuffer? = nil,
        unordered: Bool = false
    ) async throws {
        let reference = try await orthanc.request(body == nil ? "GET" : "POST", path, body: body)
        let ours: TestResponse
        if let body { ours = try await apus.post(path, body) } else { ours = try await apus.get(path) }
        #expect(ours.status.code == reference.status, "\(path)")
        let differences =
            unordered
            ? Self.differences(sortedByID(ours.json), sortedByID(reference.json), at: path)
            : Self.differences(ours.json, reference.json, at: path)
        #expect(differences.isEmpty, "\(path):\n\(differences.joined(separator: "\n"))")
    }

    /// A list of ids, or of objects with an `ID`, in the order of the ids.
    static func sortedByID(_ json: Any?) -> Any? {
        guard let items = json as? [Any] else { return json }
        let key = { (item: Any) in (item as? String) ?? ((item as? [String: Any])?["ID"] as? String) ?? "" }
        return items.sorted { key($0) < key($1) }
    }

    /// Where two JSON values differ, as `path: ours ≠ Orthanc's` lines.
    static func differences(_ ours: Any?, _ reference: Any?, at path: String) -> [String] {
        switch (ours, reference) {
        case (let ours as [String: Any], let reference as [String: Any]):
            var lines: [String] = []
            for key in Set(ours.keys).union(reference.keys).sorted() {
                guard let mine = ours[key], let theirs = reference[key] else {
                    lines.append("\(path).\(key): \(ours[key] == nil ? "missing" : "extra")")
                    continue
                }
                if ignored.contains(key) {
                    if type(of: mine) != type(of: theirs) { lines.append("\(path).\(key): \(mine) vs \(theirs)") }
                    continue
                }
                lines += differences(mine, theirs, at: "\(path).\(key)")
            }
            return lines
        case (let ours as [Any], let reference as [Any]):
            guard ours.count == reference.count else {
                return ["\(path): \(ours.count) items, Orthanc \(reference.count)"]
            }
            return zip(ours, reference).enumerated().flatMap { differences($1.0, $1.1, at: "\(path)[\($0)]") }
        default:
            let same =
                switch (ours, reference) {
                case (nil, nil): true
                case (let a as NSObject, let b as NSObject): a.isEqual(b)
                default: false
                }
            return same
                ? []
                : ["\(path): \(ours.map { "\($0)" } ?? "nothing") vs Orthanc \(reference.map { "\($0)" } ?? "nothing")"]
        }
    }
}

/// An Orthanc of its own: a temporary folder, a JSON configuration on free loopback ports, no
/// authentication; requests through curl.
final class Orthanc: Sendable {
    let port: Int
    let directory: String
    let process: PeerProcess

    struct Answer {
        var status: Int
        var body: ByteBuffer
        var json: Any? {
            try? JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: .fragmentsAllowed)
        }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var strings: [String] { json as? [String] ?? [] }
    }

    private init(port: Int, directory: String, process: PeerProcess) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    /// With `modality`, Orthanc knows a DICOM peer by that name: itself, so that
    /// `/modalities/{name}/store` has somewhere to send.
    static func start(modality: String? = nil) async throws -> Orthanc {
        let executable = "/usr/sbin/Orthanc"
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw PeerMissing(description: "\(executable) not found: install Orthanc (apt-get install -y orthanc)")
        }
        let directory = NSTemporaryDirectory() + "apus-orthanc-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/db", withIntermediateDirectories: true)
        let httpPort = try await freeLoopbackPort()
        let dicomPort = try await freeLoopbackPort()
        let configuration = """
            {"Name": "reference", "StorageDirectory": "\(directory)/db", "IndexDirectory": "\(directory)/db",
             "HttpPort": \(httpPort), "DicomPort": \(dicomPort), "RemoteAccessAllowed": false,
             "AuthenticationEnabled": false, "Plugins": [], "HttpCompressionEnabled": false,
             "DicomModalities": {\(modality.map { "\"\($0)\": [\"ORTHANC\", \"127.0.0.1\", \(dicomPort)]" } ?? "")}}
            """
        try configuration.write(toFile: directory + "/orthanc.json", atomically: true, encoding: .utf8)
        let process = try PeerProcess([executable, directory + "/orthanc.json"], lifetime: 600)
        let orthanc = Orthanc(port: httpPort, directory: directory, process: process)
        for _ in 0..<200 {
            if let answer = try? await orthanc.request("GET", "/system"), answer.status == 200 { return orthanc }
            try await Task.sleep(for: .milliseconds(100))
        }
        let output = process.output
        orthanc.stop()
        throw PeerMissing(description: "Orthanc did not answer on port \(httpPort) within 20 s:\n\(output)")
    }

    func request(_ method: String, _ path: String, body: ByteBuffer? = nil) async throws -> Answer {
        let output = directory + "/answer-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: output) }
        var command = ["/usr/bin/curl", "-s", "-g", "-X", method, "-o", output, "-w", "%{http_code}"]
        if let body {
            let input = directory + "/body-\(UUID().uuidString)"
            try Data(body.readableBytesView).write(to: URL(fileURLWithPath: input))
            command += ["--data-binary", "@" + input]
        }
        command.append("http://127.0.0.1:\(port)\(path)")
        let result = try await PeerProcess.run(command)
        let data = (try? Data(contentsOf: URL(fileURLWithPath: output))) ?? Data()
        guard let status = Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw PeerMissing(description: "curl \(method) \(path): \(result)")
        }
        return Answer(status: status, body: ByteBuffer(bytes: data))
    }

    func stop() {
        process.terminate()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// A loopback port nothing listens on now (the kernel's choice for port 0).
func freeLoopbackPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port ?? 0
    try await channel.close()
    return port
}
