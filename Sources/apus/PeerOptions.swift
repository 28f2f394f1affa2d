import ArgumentParser
import DICOM
import DICOMNetwork

/// What every network command needs to reach its peer, named as DCMTK's tools name it
/// (`HOST PORT`, `--aet`, `--aec`), so that scripts move over easily.
struct PeerOptions: ParsableArguments {
    @Argument(help: "The peer's host name or IP address.")
    var host: String

    @Argument(help: "The peer's DICOM port.")
    var port: Int

    @Option(name: .customLong("aet"), help: ArgumentHelp("Our AE title (calling).", valueName: "title"))
    var callingAETitle = "APUS"

    @Option(
        name: .customLong("aec"),
        help: ArgumentHelp(
            "The peer's AE title (called). ANY-SCP, as in DCMTK; apus serve answers to APUS.", valueName: "title"))
    var calledAETitle = "ANY-SCP"

    @Option(
        help: ArgumentHelp(
            "Seconds to wait for the connection, for the association, and for each response.",
            valueName: "seconds"))
    var timeout: Double = 30

    @Option(
        name: .customLong("max-pdu"),
        help: ArgumentHelp("The largest PDU we receive, in bytes (4096 to 16777216).", valueName: "bytes"))
    var maximumPDULength = 131_072

    @Flag(name: .shortAndLong, help: "Tell more on standard error: the negotiation, each operation.")
    var verbose = false

    @Option(
        name: .customLong("user"),
        help: ArgumentHelp("A user name for the peer (User Identity negotiation, PS3.7 D.3.3.7).", valueName: "name"))
    var user: String?

    @Option(help: ArgumentHelp("The passcode that goes with --user.", valueName: "passcode"))
    var password: String?

    @Option(
        name: .customLong("jwt"),
        help: ArgumentHelp("A JSON Web Token as user identity, instead of --user.", valueName: "token"))
    var jsonWebToken: String?

    @Flag(
        name: .customLong("identity-response"),
        help: "Ask the peer to confirm the user identity; without a confirmation the association is released.")
    var identityResponse = false

    @Flag(
        help: "DICOM over TLS (PS3.15 Annex B); the peer's certificate is checked against the system's CAs or --tls-ca."
    )
    var tls = false

    @Option(
        name: .customLong("tls-ca"),
        help: ArgumentHelp("PEM CA certificates that the peer's certificate must chain to.", valueName: "file"))
    var tlsCAFile: String?

    @Option(
        name: .customLong("tls-cert"),
        help: ArgumentHelp("Our PEM certificate, for peers that require one (mutual TLS).", valueName: "file"))
    var tlsCertificateFile: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "file"))
    var tlsKeyFile: String?

    @Flag(name: .customLong("tls-no-verify-hostname"), help: "Accept a peer certificate that does not name HOST.")
    var tlsNoVerifyHostname = false

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("PORT must be 1 to 65535, not \(port)") }
        for (option, title) in [("--aet", callingAETitle), ("--aec", calledAETitle)] {
            if let problem = Self.problem(withAETitle: title) { throw ValidationError("\(option) \(problem)") }
        }
        guard timeout > 0, timeout <= 86_400 else {
            throw ValidationError("--timeout must be more than 0 and at most 86400 seconds")
        }
        guard AssociationPolicy.maximumPDULengthRange.contains(UInt32(clamping: maximumPDULength)),
            maximumPDULength <= Int(UInt32.max)
        else {
            throw ValidationError("--max-pdu must be 4096 to 16777216 bytes, not \(maximumPDULength)")
        }
        let tlsOptions = [tlsCAFile, tlsCertificateFile, tlsKeyFile].contains { $0 != nil } || tlsNoVerifyHostname
        if tlsOptions, !tls {
            throw ValidationError("--tls-ca, --tls-cert, --tls-key and --tls-no-verify-hostname need --tls")
        }
        if (tlsCertificateFile == nil) != (tlsKeyFile == nil) {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        if password != nil, user == nil { throw ValidationError("--password needs --user") }
        if user != nil, jsonWebToken != nil { throw ValidationError("--user and --jwt exclude each other") }
        if identityResponse, user == nil, jsonWebToken == nil {
            throw ValidationError("--identity-response needs --user or --jwt")
        }
        for (option, value) in [("--user", user), ("--password", password), ("--jwt", jsonWebToken)] {
            if let value, value.isEmpty || value.utf8.count > 65_535 {
                throw ValidationError("\(option) must be 1 to 65535 bytes")
            }
        }
    }

    /// The User Identity sub-item of --user, --password or --jwt (PS3.7 Table D.3-14).
    var userIdentity: UserInformation.UserIdentity? {
        if let jsonWebToken {
            return UserInformation.UserIdentity(
                type: .jwt, positiveResponseRequested: identityResponse, primaryField: Array(jsonWebToken.utf8))
        }
        guard let user else { return nil }
        guard let password else {
            return UserInformation.UserIdentity(
                type: .username, positiveResponseRequested: identityResponse, primaryField: Array(user.utf8))
        }
        return UserInformation.UserIdentity(
            type: .usernameAndPasscode, positiveResponseRequested: identityResponse, primaryField: Array(user.utf8),
            secondaryField: Array(password.utf8))
    }

    /// With --tls: the files and checks it asks for.
    var tlsConfiguration: ClientTLSConfiguration? {
        guard tls else { return nil }
        return ClientTLSConfiguration(
            trustRootsFile: tlsCAFile, certificateChainFile: tlsCertificateFile, privateKeyFile: tlsKeyFile,
            verifiesHostname: !tlsNoVerifyHostname)
    }

    /// An AE title (PS3.5 Table 6.2-1): 1 to 16 characters of the default repertoire, no
    /// backslash, no control characters, not all spaces.
    static func problem(withAETitle title: String) -> String? {
        guard !title.isEmpty, title.utf8.count <= 16 else { return "\"\(title)\" is not 1 to 16 characters" }
        guard title.utf8.allSatisfy({ (0x20...0x7E).contains($0) && $0 != 0x5C }) else {
            return "\"\(title)\" has a character an AE title cannot have"
        }
        guard title.contains(where: { $0 != " " }) else { return "is all spaces" }
        return nil
    }

    var clientOptions: DICOMClient.Options {
        let limit = Duration.milliseconds(Int64((timeout * 1000).rounded(.up)))
        return DICOMClient.Options(connectTimeout: limit, associationTimeout: limit, responseTimeout: limit)
    }

    var timeoutText: String { timeout == timeout.rounded() ? "\(Int(timeout)) s" : "\(timeout) s" }

    /// `ANY-SCP@host:port`, for messages.
    var name: String { "\(calledAETitle)@\(host):\(port)" }

    /// `operationsWindow` > 1 proposes an asynchronous operations window of that many requests.
    func connect(
        _ contexts: [ProposedPresentationContext], roleSelections: [UserInformation.RoleSelection] = [],
        operationsWindow: Int = 1
    ) async throws -> ClientAssociation {
        var options = clientOptions
        options.operationsWindow = operationsWindow
        let association = try await DICOMClient.connect(
            host: host, port: port, callingAETitle: callingAETitle, calledAETitle: calledAETitle,
            presentationContexts: contexts, roleSelections: roleSelections,
            maximumPDULength: UInt32(clamping: maximumPDULength), userIdentity: userIdentity, tls: tlsConfiguration,
            options: options)
        if verbose { Self.describe(association.context, proposed: contexts.count) }
        if identityResponse, association.context.userIdentityServerResponse == nil {
            // PS3.7 D.3.3.7.2: without the response asked for, the requestor may end the association.
            try? await association.release()
            throw IdentityNotConfirmed()
        }
        return association
    }

    private static func describe(_ context: AssociationContext, proposed: Int) {
        let peer = [context.peerImplementationClassUID?.rawValue, context.peerImplementationVersionName]
            .compactMap { $0 }.joined(separator: " ")
        printError(
            "association accepted by \(context.calledAETitle) (\(peer.isEmpty ? "no implementation given" : peer)); "
                + "\(context.presentationContexts.count) of \(proposed) presentation contexts accepted; "
                + "PDUs up to \(context.sendingPDULength) bytes")
        for accepted in context.presentationContexts {
            printError(
                "  context \(accepted.id): \(DisplayName.uid(accepted.abstractSyntax)) in "
                    + DisplayName.uid(accepted.transferSyntax))
        }
    }
}

/// --identity-response was given and the peer accepted the association without confirming the
/// user identity: we released it, as if it had been rejected.
struct IdentityNotConfirmed: Error, CustomStringConvertible {
    var description: String {
        "the peer did not confirm the user identity (--identity-response); association released"
    }
}
