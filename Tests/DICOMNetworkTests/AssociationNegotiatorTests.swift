import DICOM
import Testing

@testable import DICOMNetwork

@Suite("Association negotiation (acceptor)")
struct AssociationNegotiatorTests {
    static let jpegBaseline = UID(unchecked: "1.2.840.10008.1.2.4.50")
    static let privateSyntax = UID(unchecked: "1.2.3.4.5")

    var negotiator = AssociationNegotiator(
        policy: AssociationPolicy(aeTitle: "APUS", maximumPDULength: 32_768),
        abstractSyntaxes: [
            .verification: .decoded, .ctImageStorage: .stored, .studyRootQueryRetrieveInformationModelFind: .decoded,
        ])

    func request(
        called: String = "APUS", calling: String = "MODALITY", contexts: [PresentationContextProposal]? = nil,
        userInformation: UserInformation = UserInformation(maximumLength: 65_536)
    ) -> AssociateRequest {
        AssociateRequest(
            calledAETitle: called, callingAETitle: calling,
            presentationContexts: contexts ?? [
                PresentationContextProposal(
                    id: 1, abstractSyntax: .verification, transferSyntaxes: [.implicitVRLittleEndian])
            ],
            userInformation: userInformation)
    }

    func accepted(_ outcome: AssociationNegotiator.Outcome) throws -> (AssociateAccept, AssociationContext) {
        guard case .accept(let accept, let context) = outcome else {
            Issue.record("rejected: \(outcome)")
            throw CancellationError()
        }
        return (accept, context)
    }

    @Test func acceptsAndDescribesTheAssociation() throws {
        let (accept, context) = try accepted(
            negotiator.negotiate(request(), admitted: true, peerHost: "10.0.0.7", peerPort: 4242))
        #expect(accept.calledAETitle == "APUS")
        #expect(accept.callingAETitle == "MODALITY")
        #expect(
            accept.presentationContexts == [
                PresentationContextResult(id: 1, result: .acceptance, transferSyntax: .implicitVRLittleEndian)
            ])
        #expect(accept.userInformation.maximumLength == 32_768)
        #expect(accept.userInformation.implementationClassUID == Implementation.classUID)
        #expect(accept.userInformation.implementationVersionName == Implementation.versionName)
        #expect(
            context.presentationContexts == [
                NegotiatedPresentationContext(
                    id: 1, abstractSyntax: .verification, transferSyntax: .implicitVRLittleEndian)
            ])
        #expect(context.peerMaximumPDULength == 65_536)
        #expect(context.sendingPDULength == 32_768)
        #expect(context.peerHost == "10.0.0.7")
        #expect(context.peerPort == 4242)
    }

    @Test func calledAETitleMustBeOurs() throws {
        #expect(
            negotiator.negotiate(request(called: "OTHER"), admitted: true)
                == .reject(AssociateReject(result: .permanent, source: .serviceUser(.calledAETitleNotRecognized))))
        var any = negotiator
        any.policy.acceptsAnyCalledAETitle = true
        _ = try accepted(any.negotiate(request(called: "OTHER"), admitted: true))
    }

    @Test func callingAETitleAllowList() throws {
        var restricted = negotiator
        restricted.policy.allowedCallingAETitles = ["CT1", "MR1"]
        #expect(
            restricted.negotiate(request(calling: "INTRUDER"), admitted: true)
                == .reject(AssociateReject(result: .permanent, source: .serviceUser(.callingAETitleNotRecognized))))
        _ = try accepted(restricted.negotiate(request(calling: "MR1"), admitted: true))
    }

    @Test func requestorCheckSeesAddressAndCertificate() throws {
        var checked = negotiator
        checked.policy.requestorCheck = { requestor in
            requestor.host == "10.0.0.7" && requestor.certificate == [1, 2, 3] ? nil : "not this one"
        }
        #expect(
            checked.negotiate(request(), admitted: true, peerHost: "10.0.0.8", peerCertificate: [1, 2, 3])
                == .reject(AssociateReject(result: .permanent, source: .serviceUser(.callingAETitleNotRecognized))))
        #expect(
            checked.negotiate(request(), admitted: true, peerHost: "10.0.0.7")
                == .reject(AssociateReject(result: .permanent, source: .serviceUser(.callingAETitleNotRecognized))))
        _ = try accepted(
            checked.negotiate(request(), admitted: true, peerHost: "10.0.0.7", peerCertificate: [1, 2, 3]))
    }

    @Test func associationLimit() {
        #expect(
            negotiator.negotiate(request(), admitted: false)
                == .reject(
                    AssociateReject(result: .transient, source: .serviceProviderPresentation(.localLimitExceeded))))
        // A permanent reason wins over the limit: the peer has to fix its configuration anyway.
        #expect(
            negotiator.negotiate(request(called: "OTHER"), admitted: false)
                == .reject(AssociateReject(result: .permanent, source: .serviceUser(.calledAETitleNotRecognized))))
    }

    @Test func applicationContextAndEmptyRequests() {
        var foreign = request()
        foreign.applicationContext = UID(unchecked: "1.2.3")
        #expect(
            negotiator.negotiate(foreign, admitted: true)
                == .reject(
                    AssociateReject(result: .permanent, source: .serviceUser(.applicationContextNameNotSupported))))
        #expect(
            negotiator.negotiate(request(contexts: []), admitted: true)
                == .reject(AssociateReject(result: .permanent, source: .serviceUser(.noReasonGiven))))
    }

    @Test func presentationContextResults() throws {
        let contexts = [
            // Our order wins over the peer's: explicit before implicit.
            PresentationContextProposal(
                id: 1, abstractSyntax: .ctImageStorage,
                transferSyntaxes: [.implicitVRLittleEndian, .explicitVRLittleEndian]),
            // Stored data sets keep their compression, even where we could take them uncompressed.
            PresentationContextProposal(
                id: 3, abstractSyntax: .ctImageStorage,
                transferSyntaxes: [.explicitVRLittleEndian, Self.jpegBaseline, .implicitVRLittleEndian]),
            // Decoded ones don't.
            PresentationContextProposal(
                id: 5, abstractSyntax: .studyRootQueryRetrieveInformationModelFind,
                transferSyntaxes: [Self.jpegBaseline]),
            // Not a transfer syntax of the standard.
            PresentationContextProposal(id: 7, abstractSyntax: .ctImageStorage, transferSyntaxes: [Self.privateSyntax]),
            PresentationContextProposal(
                id: 9, abstractSyntax: .mrImageStorage, transferSyntaxes: [.implicitVRLittleEndian]),
            PresentationContextProposal(
                id: 9, abstractSyntax: .verification, transferSyntaxes: [.implicitVRLittleEndian]),
        ]
        let (accept, context) = try accepted(negotiator.negotiate(request(contexts: contexts), admitted: true))
        #expect(
            accept.presentationContexts == [
                PresentationContextResult(id: 1, result: .acceptance, transferSyntax: .explicitVRLittleEndian),
                PresentationContextResult(id: 3, result: .acceptance, transferSyntax: Self.jpegBaseline),
                PresentationContextResult(id: 5, result: .transferSyntaxesNotSupported, transferSyntax: nil),
                PresentationContextResult(id: 7, result: .transferSyntaxesNotSupported, transferSyntax: nil),
                PresentationContextResult(id: 9, result: .abstractSyntaxNotSupported, transferSyntax: nil),
                PresentationContextResult(id: 9, result: .noReason, transferSyntax: nil),
            ])
        #expect(context.presentationContexts.map(\.id) == [1, 3])
        #expect(context.presentationContext(for: .ctImageStorage, transferSyntax: Self.jpegBaseline)?.id == 3)
        #expect(context.presentationContext(for: .ctImageStorage)?.id == 1)

        var strict = negotiator
        strict.policy.keepsCompressionForStorage = false
        let (strictAccept, _) = try accepted(strict.negotiate(request(contexts: [contexts[1]]), admitted: true))
        #expect(strictAccept.presentationContexts.first?.transferSyntax == .explicitVRLittleEndian)
        let jpegOnly = PresentationContextProposal(
            id: 1, abstractSyntax: .ctImageStorage, transferSyntaxes: [Self.jpegBaseline])
        let (refused, _) = try accepted(strict.negotiate(request(contexts: [jpegOnly]), admitted: true))
        #expect(refused.presentationContexts.first?.result == .transferSyntaxesNotSupported)
    }

    @Test func roleSelection() throws {
        let contexts = [
            PresentationContextProposal(
                id: 1, abstractSyntax: .ctImageStorage, transferSyntaxes: [.explicitVRLittleEndian]),
            PresentationContextProposal(
                id: 3, abstractSyntax: .verification, transferSyntaxes: [.implicitVRLittleEndian]),
        ]
        let proposals = [
            // A C-GET SCU offers to be the storage SCP.
            UserInformation.RoleSelection(sopClassUID: .ctImageStorage, scuRole: true, scpRole: true),
            // No answer for a SOP class without an accepted context.
            UserInformation.RoleSelection(sopClassUID: .mrImageStorage, scuRole: false, scpRole: true),
        ]
        let request = request(
            contexts: contexts, userInformation: UserInformation(maximumLength: 0, roleSelections: proposals))
        let (accept, context) = try accepted(negotiator.negotiate(request, admitted: true))
        #expect(
            accept.userInformation.roleSelections == [
                .init(sopClassUID: .ctImageStorage, scuRole: true, scpRole: false)
            ])
        #expect(context.presentationContext(id: 1)?.requestorIsSCP == false)

        var retrieving = negotiator
        retrieving.scuRoleSOPClasses = [.ctImageStorage]
        let (retrieveAccept, retrieveContext) = try accepted(retrieving.negotiate(request, admitted: true))
        #expect(
            retrieveAccept.userInformation.roleSelections == [
                .init(sopClassUID: .ctImageStorage, scuRole: true, scpRole: true)
            ])
        #expect(retrieveContext.presentationContext(id: 1)?.requestorIsSCP == true)
        #expect(retrieveContext.presentationContext(id: 3)?.requestorIsSCU == true)
        // A peer with no maximum gets PDUs of our own maximum.
        #expect(retrieveContext.sendingPDULength == 32_768)
    }

    @Test func maximumPDULengthIsClamped() {
        #expect(AssociationPolicy(aeTitle: "A", maximumPDULength: 10).maximumPDULength == 4_096)
        #expect(AssociationPolicy(aeTitle: "A", maximumPDULength: .max).maximumPDULength == 16_777_216)
        #expect(AssociationPolicy(aeTitle: "A").maximumPDULength == 131_072)
    }

    @Test func standardStorageSOPClasses() {
        #expect(StandardSOPClasses.storage.contains(.ctImageStorage))
        #expect(StandardSOPClasses.storage.contains(UID(unchecked: "1.2.840.10008.5.1.4.1.1.88.22")))  // Enhanced SR
        #expect(!StandardSOPClasses.storage.contains(.verification))
        #expect(!StandardSOPClasses.storage.contains(UID(unchecked: "1.2.840.10008.1.20.1")))  // Storage Commitment
        #expect(!StandardSOPClasses.storage.contains(UID(unchecked: "1.2.840.10008.1.3.10")))  // DICOMDIR
        #expect(StandardSOPClasses.storage.count > 150)
    }
}
