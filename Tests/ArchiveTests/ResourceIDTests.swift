import Archive
import Testing

@Suite struct ResourceIDTests {
    // SHA-1 of the joined identifiers, computed independently:
    // printf '%s' 'P1|1.2.3' | sha1sum
    @Test func studyIDIsSHA1OfPatientAndStudyInGroupsOfEight() {
        let id = ResourceID.study(patient: PatientIdentity(patientID: "P1"), studyInstanceUID: "1.2.3")
        #expect(id.description == "ce42f924-f6020bea-aa810144-6941b6f0-88331094")
    }

    // printf '%s' 'P1' | sha1sum
    @Test func patientIDWithoutIssuerIsOrthancs() {
        #expect(
            ResourceID.patient(PatientIdentity(patientID: "P1")).description
                == "bdaf1eca-33d4619e-80e8ca68-9a1b74a4-febbbb29")
    }

    @Test func issuerSeparatesPatients() {
        #expect(
            ResourceID.patient(PatientIdentity(patientID: "P1", issuer: "A"))
                != ResourceID.patient(PatientIdentity(patientID: "P1", issuer: "B")))
    }

    @Test func parsesOnlyTheShapeOfAnID() {
        #expect(ResourceID("ce42f924-f6020bea-aa810144-6941b6f0-88331094") != nil)
        #expect(ResourceID("7DF1D0B8-ea2f1a9d-15d6fb01-a3d2b5ea-e62a3cba") == nil)
        #expect(ResourceID("7df1d0b8ea2f1a9d-15d6fb01-a3d2b5ea-e62a3cba0") == nil)
        #expect(ResourceID("") == nil)
        #expect(ResourceID("../etc/passwd") == nil)
    }
}
