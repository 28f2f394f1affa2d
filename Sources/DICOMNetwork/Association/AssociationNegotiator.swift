import DICOM

/// The acceptor's answer to an A-ASSOCIATE-RQ (PS3.8 §7.1.1, PS3.7 Annex D.3): reject it for
/// its AE titles, application context or the association limit, or accept it with an answer
/// for every presentation context and role selection.
struct AssociationNegotiator: Sendable {
    /// How an abstract syntax's data sets are used, which decides the transfer syntaxes accepted.
    enum Usage: Sendable, Equatable {
        /// Data sets are decoded (identifiers, commands only): the policy's transfer syntaxes.
        case decoded
        /// Data sets are stored as received (C-STORE): also other standard transfer syntaxes
        /// when the policy allows it.
        case stored
    }

    enum Outcome: Sendable, Equatable {
        case accept(AssociateAccept, AssociationContext)
        case reject(AssociateReject)
    }

    var policy: AssociationPolicy
    /// The abstract syntaxes the server's services take.
    var abstractSyntaxes: [UID: Usage]
    /// SOP classes we can act as SCU for when a requestor offers the SCP role (C-GET's C-STOREs).
    var scuRoleSOPClasses: Set<UID> = []

    /// A peer that sends no Maximum Length Sub-Item (it is mandatory, PS3.8 D.1) gets PDUs of
    /// the size every implementation takes.
    static let defaultPeerMaximumPDULength: UInt32 = 16_384

    /// `admitted` is false when the association would exceed the server's limit.
    func negotiate(
        _ request: AssociateRequest, admitted: Bool, peerHost: String? = nil, peerPort: Int? = nil,
        peerCertificate: [UInt8]? = nil
    ) -> Outcome {
        let requestor = AssociationRequestor(
            callingAETitle: request.callingAETitle, calledAETitle: request.calledAETitle, host: peerHost,
            certificate: peerCertificate)
        if let reject = rejection(of: request, admitted: admitted, requestor: requestor) { return .reject(reject) }

        let (results, accepted) = presentationContexts(request.presentationContexts)
        let (roleReplies, contexts) = roles(request.userInformation.roleSelections, contexts: accepted)
        var userInformation = UserInformation(
            maximumLength: policy.maximumPDULength, implementationClassUID: Implementation.classUID,
            roleSelections: roleReplies, implementationVersionName: Implementation.versionName)
        var operationsInvoked = 1
        if let proposed = request.userInformation.asynchronousOperationsWindow {
            // The requestor may have up to our window of requests outstanding (0 proposes no
            // limit); we invoke one at a time (C-GET's sub-operations), PS3.7 D.3.3.3.
            let window = UInt16(clamping: policy.operationsWindow)
            let invoked =
                proposed.maximumOperationsInvoked == 0 ? window : min(proposed.maximumOperationsInvoked, window)
            operationsInvoked = Int(invoked)
            userInformation.asynchronousOperationsWindow = .init(
                maximumOperationsInvoked: invoked, maximumOperationsPerformed: 1)
        }
        let accept = AssociateAccept(
            calledAETitle: request.calledAETitle, callingAETitle: request.callingAETitle,
            presentationContexts: results, userInformation: userInformation)
        let context = AssociationContext(
            callingAETitle: request.callingAETitle, calledAETitle: request.calledAETitle, peerHost: peerHost,
            peerPort: peerPort, presentationContexts: contexts,
            peerMaximumPDULength: request.userInformation.maximumLength ?? Self.defaultPeerMaximumPDULength,
            maximumPDULength: policy.maximumPDULength,
            peerImplementationClassUID: request.userInformation.implementationClassUID,
            peerImplementationVersionName: request.userInformation.implementationVersionName,
            userIdentity: request.userInformation.userIdentity, operationsInvoked: operationsInvoked)
        return .accept(accept, context)
    }

    /// The A-ASSOCIATE-RJ for a request we refuse as a whole (PS3.8 Table 9-21), nil to go on.
    /// Permanent reasons come first, so a misconfigured peer learns its mistake even when busy.
    func rejection(of request: AssociateRequest, admitted: Bool, requestor: AssociationRequestor? = nil)
        -> AssociateReject?
    {
        if request.applicationContext != .dicomApplicationContext {
            return AssociateReject(result: .permanent, source: .serviceUser(.applicationContextNameNotSupported))
        }
        if !policy.acceptsAnyCalledAETitle, request.calledAETitle != policy.aeTitle {
            return AssociateReject(result: .permanent, source: .serviceUser(.calledAETitleNotRecognized))
        }
        if let allowed = policy.allowedCallingAETitles, !allowed.contains(request.callingAETitle) {
            return AssociateReject(result: .permanent, source: .serviceUser(.callingAETitleNotRecognized))
        }
        if let check = policy.requestorCheck, let requestor, check(requestor) != nil {
            return AssociateReject(result: .permanent, source: .serviceUser(.callingAETitleNotRecognized))
        }
        if request.presentationContexts.isEmpty {
            return AssociateReject(result: .permanent, source: .serviceUser(.noReasonGiven))
        }
        if !admitted {
            return AssociateReject(result: .transient, source: .serviceProviderPresentation(.localLimitExceeded))
        }
        return nil
    }

    /// One result per proposed context, and the accepted ones. A repeated context ID is
    /// answered "no reason" and not used: which of the two proposals it means is anyone's guess.
    func presentationContexts(
        _ proposals: [PresentationContextProposal]
    ) -> ([PresentationContextResult], [NegotiatedPresentationContext]) {
        var results: [PresentationContextResult] = []
        var accepted: [NegotiatedPresentationContext] = []
        var seen = Set<UInt8>()
        for proposal in proposals {
            guard seen.insert(proposal.id).inserted else {
                results.append(PresentationContextResult(id: proposal.id, result: .noReason, transferSyntax: nil))
                continue
            }
            guard let usage = abstractSyntaxes[proposal.abstractSyntax] else {
                results.append(
                    PresentationContextResult(id: proposal.id, result: .abstractSyntaxNotSupported, transferSyntax: nil)
                )
                continue
            }
            guard let syntax = transferSyntax(for: proposal.transferSyntaxes, usage: usage) else {
                results.append(
                    PresentationContextResult(
                        id: proposal.id, result: .transferSyntaxesNotSupported, transferSyntax: nil))
                continue
            }
            results.append(PresentationContextResult(id: proposal.id, result: .acceptance, transferSyntax: syntax))
            accepted.append(
                NegotiatedPresentationContext(
                    id: proposal.id, abstractSyntax: proposal.abstractSyntax, transferSyntax: syntax))
        }
        return (results, accepted)
    }

    /// For stored data sets, the first compressed syntax of the standard the peer proposes (when
    /// the policy keeps compression); otherwise ours, in our order.
    func transferSyntax(for proposed: [UID], usage: Usage) -> UID? {
        if usage == .stored, policy.keepsCompressionForStorage,
            let compressed = proposed.first(where: Self.isStandardCompressed)
        {
            return compressed
        }
        return policy.transferSyntaxes.first(where: proposed.contains)
    }

    /// A transfer syntax of the registry with encapsulated pixel data.
    static func isStandardCompressed(_ uid: UID) -> Bool {
        UIDRegistry.entry(for: uid)?.type == .transferSyntax && TransferSyntax(uid: uid).isEncapsulated
    }

    /// Answers to the requestor's SCP/SCU Role Selection Sub-Items (PS3.7 D.3.3.4) for the SOP
    /// classes of accepted contexts, and the contexts with the roles agreed. We take the SCP role
    /// for every abstract syntax we accept, so the requestor may always be SCU; it may be SCP
    /// only where we can act as SCU.
    func roles(
        _ proposals: [UserInformation.RoleSelection], contexts: [NegotiatedPresentationContext]
    ) -> ([UserInformation.RoleSelection], [NegotiatedPresentationContext]) {
        var replies: [UserInformation.RoleSelection] = []
        var agreed: [UID: UserInformation.RoleSelection] = [:]
        let acceptedClasses = Set(contexts.map(\.abstractSyntax))
        for proposal in proposals
        where acceptedClasses.contains(proposal.sopClassUID) && agreed[proposal.sopClassUID] == nil {
            let reply = UserInformation.RoleSelection(
                sopClassUID: proposal.sopClassUID, scuRole: proposal.scuRole,
                scpRole: proposal.scpRole && scuRoleSOPClasses.contains(proposal.sopClassUID))
            replies.append(reply)
            agreed[proposal.sopClassUID] = reply
        }
        let withRoles = contexts.map { context in
            guard let reply = agreed[context.abstractSyntax] else { return context }
            var context = context
            context.requestorIsSCU = reply.scuRole
            context.requestorIsSCP = reply.scpRole
            return context
        }
        return (replies, withRoles)
    }
}
