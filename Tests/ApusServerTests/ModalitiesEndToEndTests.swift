import DICOM
import Foundation
import Testing

@testable import ApusServer

/// `/modalities` of `apus serve` against DCMTK peers: storescp (C-ECHO, C-STORE) and
/// dcmqrscp (C-FIND, and a C-MOVE back to Apus), through a real HTTP client (curl).
@Suite("apus serve: /modalities with DCMTK peers")
struct ModalitiesEndToEndTests {
    @Test func echoStoreQueryAndMoveWithDCMTK() async throws {
        let directory = try TemporaryDirectory()
        let files = try ["CT_small.dcm", "MR_small.dcm"].map(Pydicom.corpusFile)
        let uids = try files.map { file in
            let dataSet = try DICOMFile(contentsOf: file).dataSet
            return (
                study: try #require(dataSet.string(.studyInstanceUID)),
                sop: try #require(dataSet.string(.sopInstanceUID))
            )
        }
        let received = directory.path + "/storescp"
        let archive = directory.path + "/dcmqrscp"
        for folder in [received, archive] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let apusPort = try FreePort.find()
        let storescpPort = try FreePort.find()
        let storescp = try Tools.start(
            "/usr/bin/storescp", ["-aet", "STORESCP", "-od", received, String(storescpPort)])
        defer { Tools.stop(storescp) }
        let qrPort = try FreePort.find()
        let qrConfiguration = directory.path + "/dcmqrscp.cfg"
        try """
        NetworkTCPPort  = \(qrPort)
        MaxPDUSize      = 16384
        MaxAssociations = 16

        HostTable BEGIN
        apus = (APUS, 127.0.0.1, \(apusPort))
        HostTable END

        VendorTable BEGIN
        VendorTable END

        AETable BEGIN
        QRSCP \(archive) RW (200, 1024mb) ANY
        AETable END
        """.write(toFile: qrConfiguration, atomically: true, encoding: .utf8)
        let dcmqrscp = try Tools.start("/usr/bin/dcmqrscp", ["-c", qrConfiguration, String(qrPort)])
        defer { Tools.stop(dcmqrscp) }

        // The DICOM port fixed: dcmqrscp's host table names it. The body gets the HTTP port.
        try await Server.withRunning(
            dataDirectory: directory.path + "/data",
            peers: [
                "STORESCP": ServerConfiguration.Peer(host: "127.0.0.1", port: storescpPort),
                "QRSCP": ServerConfiguration.Peer(host: "127.0.0.1", port: qrPort),
                "DOWN": ServerConfiguration.Peer(host: "127.0.0.1", port: try FreePort.find()),
            ], listener: .http, configure: { $0.dicomPort = apusPort }
        ) { http in
            let base = "http://127.0.0.1:\(http)"
            // Apus holds the CT; dcmqrscp holds the MR, which a C-MOVE brings to Apus.
            let stored = try await Tools.runDetached(
                "/usr/bin/storescu", ["-aec", "APUS", "127.0.0.1", String(apusPort), files[0]])
            try #require(stored.status == 0, "storescu: \(stored.output)")
            let loaded = try await Tools.runDetached(
                "/usr/bin/storescu", ["-aec", "QRSCP", "127.0.0.1", String(qrPort), files[1]])
            try #require(loaded.status == 0, "storescu to dcmqrscp: \(loaded.output)")

            let list = try await HTTP.request("GET", base + "/modalities")
            #expect(list.json as? [String] == ["DOWN", "QRSCP", "STORESCP"])
            let expanded = try await HTTP.request("GET", base + "/modalities?expand")
            let storescpEntry = (expanded.json as? [String: Any])?["STORESCP"] as? [String: Any]
            #expect(storescpEntry?["Port"] as? Int == storescpPort)
            #expect(storescpEntry?["AET"] as? String == "STORESCP")

            let echo = try await HTTP.request("POST", base + "/modalities/STORESCP/echo")
            #expect(echo.status == 200, "\(echo.text)")
            #expect((echo.json as? [String: Any])?["Status"] as? String == "0000")
            let down = try await HTTP.request("POST", base + "/modalities/DOWN/echo")
            #expect(down.status == 502, "\(down.text)")
            #expect(down.text.contains("DOWN"), "\(down.text)")
            let unknown = try await HTTP.request("POST", base + "/modalities/NOBODY/echo")
            #expect(unknown.status == 404, "\(unknown.text)")

            // C-STORE by Study Instance UID: the file lands at storescp.
            let store = try await HTTP.request(
                "POST", base + "/modalities/STORESCP/store", body: "{\"Resources\": [\"\(uids[0].study)\"]}")
            #expect(store.status == 200, "\(store.text)")
            let result = store.json as? [String: Any]
            #expect(result?["InstancesCount"] as? Int == 1, "\(store.text)")
            #expect(result?["CompletedCount"] as? Int == 1, "\(store.text)")
            #expect(result?["FailedInstancesCount"] as? Int == 0, "\(store.text)")
            let landed = try FileManager.default.contentsOfDirectory(atPath: received)
            #expect(landed.contains { $0.contains(uids[0].sop) }, "storescp wrote \(landed)")
            // The same by SOP Instance UID, as a bare string.
            let bySOP = try await HTTP.request("POST", base + "/modalities/STORESCP/store", body: "\"\(uids[0].sop)\"")
            #expect((bySOP.json as? [String: Any])?["CompletedCount"] as? Int == 1, "\(bySOP.text)")
            // By Orthanc id, as Orthanc's scripts send it: the study's and its patient's ids
            // from the REST API, quoted in a list and bare; the file lands at storescp again.
            let studyID = try #require((try await HTTP.request("GET", base + "/studies").json as? [String])?.first)
            let patientID = try #require((try await HTTP.request("GET", base + "/patients").json as? [String])?.first)
            for body in ["{\"Resources\": [\"\(studyID)\"], \"Synchronous\": true}", patientID] {
                for file in try FileManager.default.contentsOfDirectory(atPath: received) {
                    try FileManager.default.removeItem(atPath: received + "/" + file)
                }
                let byID = try await HTTP.request("POST", base + "/modalities/STORESCP/store", body: body)
                #expect(byID.status == 200, "\(body): \(byID.text)")
                let answer = byID.json as? [String: Any]
                #expect(answer?["ParentResources"] as? [String] == [body == patientID ? patientID : studyID])
                #expect(answer?["RemoteAet"] as? String == "STORESCP", "\(byID.text)")
                #expect(answer?["InstancesCount"] as? Int == 1, "\(byID.text)")
                #expect(answer?["FailedInstancesCount"] as? Int == 0, "\(byID.text)")
                let arrived = try FileManager.default.contentsOfDirectory(atPath: received)
                #expect(arrived.contains { $0.contains(uids[0].sop) }, "\(body): storescp wrote \(arrived)")
            }
            for (body, status) in [
                ("{\"Resources\": [\"1.2.3.999\"]}", 404), ("not json", 400), ("{\"Resources\": []}", 400),
                ("{\"Resources\": [\"a/b\"]}", 400),
            ] {
                let refused = try await HTTP.request("POST", base + "/modalities/STORESCP/store", body: body)
                #expect(refused.status == status, "\(body): \(refused.text)")
            }
            let unreachable = try await HTTP.request(
                "POST", base + "/modalities/DOWN/store", body: "[\"\(uids[0].study)\"]")
            #expect(unreachable.status == 502, "\(unreachable.text)")

            // C-FIND at dcmqrscp: its study (the MR), as DICOM JSON.
            let query = try await HTTP.request(
                "POST", base + "/modalities/QRSCP/query",
                body: "{\"Level\": \"Study\", \"Query\": {\"StudyInstanceUID\": \"\", \"PatientID\": \"\"}}")
            #expect(query.status == 200, "\(query.text)")
            let answers = query.json as? [[String: Any]] ?? []
            let studies = answers.compactMap { (($0["0020000D"] as? [String: Any])?["Value"] as? [String])?.first }
            #expect(studies == [uids[1].study], "\(query.text)")
            let badQuery = try await HTTP.request(
                "POST", base + "/modalities/QRSCP/query",
                body: "{\"Level\": \"Study\", \"Query\": {\"NoSuchKey\": \"\"}}")
            #expect(badQuery.status == 400, "\(badQuery.text)")

            // C-MOVE at dcmqrscp to Apus (the default target): the MR arrives.
            let move = try await HTTP.request(
                "POST", base + "/modalities/QRSCP/move",
                body: "{\"Level\": \"Study\", \"Resources\": [{\"StudyInstanceUID\": \"\(uids[1].study)\"}]}")
            #expect(move.status == 200, "\(move.text)")
            let moved = ((move.json as? [String: Any])?["Results"] as? [[String: Any]])?.first
            #expect(moved?["Status"] as? String == "0000", "\(move.text)")
            #expect(moved?["Completed"] as? Int == 1, "\(move.text)")
            let qido = try await HTTP.request("GET", base + "/dicom-web/studies?StudyInstanceUID=\(uids[1].study)")
            #expect((qido.json as? [Any])?.count == 1, "the moved study is not in Apus: \(qido.text)")
        }
    }
}

/// curl, a real HTTP client, for the end-to-end tests.
enum HTTP {
    struct Answer {
        var status: Int
        var text: String
        var headers: String
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) }
    }

    static func request(_ method: String, _ url: String, body: String? = nil, headers: [String] = [])
        async throws -> Answer
    {
        let directory = try TemporaryDirectory()
        let headerFile = directory.path + "/headers"
        let bodyFile = directory.path + "/body"
        var arguments = [
            "-s", "-S", "-X", method, "-o", bodyFile, "-D", headerFile, "-w", "%{http_code}", "--max-time", "60",
        ]
        for header in headers { arguments += ["-H", header] }
        if let body {
            arguments += ["-H", "Content-Type: application/json", "--data-binary", body]
        }
        let result = try await Tools.runDetached("/usr/bin/curl", arguments + [url])
        guard result.status == 0, let status = Int(result.output.suffix(3)) else {
            throw Tools.ToolMissing(path: "an answer from curl \(method) \(url): \(result.output)")
        }
        return Answer(
            status: status, text: (try? String(contentsOfFile: bodyFile, encoding: .utf8)) ?? "",
            headers: (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? "")
    }
}
