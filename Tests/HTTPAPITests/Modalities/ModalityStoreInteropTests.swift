import Foundation
import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// `/modalities/{name}/store` beside a real Orthanc (Debian's, 1.10) that sends to itself: the
/// same bodies, with Orthanc's ids, must be accepted by both and answered with Orthanc's
/// members and values (Apus's peer is `RecordingPeers`; the AE titles differ by design).
@Suite struct ModalityStoreInteropTests {
    @Test func sameStoreBodiesAndAnswersAsOrthanc() async throws {
        let orthanc = try await Orthanc.start(modality: "STORESCP")
        defer { orthanc.stop() }
        try await withModalities { _, _, apus in
            for file in try OrthancInteropTests.files() {
                #expect(try await orthanc.request("POST", "/instances", body: file).status == 200)
                #expect(try await apus.post("/instances", file).status == .ok)
            }
            let patients = try await orthanc.request("GET", "/patients").strings
            let studies = try await orthanc.request("GET", "/studies").strings
            let series = try await orthanc.request("GET", "/series").strings
            let instances = try await orthanc.request("GET", "/instances").strings
            try #require(!patients.isEmpty && !studies.isEmpty && !series.isEmpty && !instances.isEmpty)
            let unknown = "00000000-00000000-00000000-00000000-00000000"
            for body in [
                "[\"\(studies[0])\"]",
                "\"\(series[0])\"",
                "{\"Resources\": [\"\(patients[0])\"], \"Synchronous\": true}",
                // Disjoint ones: Orthanc sends an instance twice when two resources hold it,
                // Apus once.
                "{\"Resources\": [\"\(series[0])\", \"\(series[series.count - 1])\"]}",
                // Orthanc's oldest form: the id alone, not JSON.
                instances[instances.count - 1],
                "[\"\(unknown)\"]",
            ] {
                let reference = try await orthanc.request(
                    "POST", "/modalities/STORESCP/store", body: ByteBuffer(string: body))
                let ours = try await apus.post("/modalities/STORESCP/store", json: body)
                #expect(ours.status.code == reference.status, "\(body): \(String(buffer: reference.body))")
                guard reference.status == 200 else { continue }
                let theirs = reference.object
                #expect(Set(theirs.keys).isSubset(of: ours.object.keys), "\(body): \(theirs.keys)")
                for key in ["Description", "InstancesCount", "FailedInstancesCount"] {
                    #expect(
                        (ours.object[key] as? NSObject)?.isEqual(theirs[key]) == true,
                        "\(body) \(key): \(ours.object[key] ?? "none") vs Orthanc \(theirs[key] ?? "none")")
                }
                #expect(
                    Set(ours.object["ParentResources"] as? [String] ?? [])
                        == Set(theirs["ParentResources"] as? [String] ?? []), "\(body)")
            }
        }
    }
}
