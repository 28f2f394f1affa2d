import DICOM
import DICOMNetwork
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// What went wrong with a peer, in words for people, with a hint when the fix is an option.
enum ClientErrorText {
    static func describe(_ error: any Error, peer: PeerOptions) -> String {
        switch error {
        case let error as DICOMClientError: describe(error, peer: peer)
        case let error as NIOConnectionError: describe(error)
        case let error as IOError: "network error: \(String(cString: strerror(error.errnoCode)))"
        default: "\(error)"
        }
    }

    static func describe(_ error: DICOMClientError, peer: PeerOptions) -> String {
        switch error {
        case .rejected(let reject):
            let kind = reject.result == .transient ? "transiently" : "permanently"
            return "association rejected \(kind): \(reason(reject.source, peer: peer))"
        case .ended(.aborted(let abort)):
            let by = abort.source == .serviceProvider ? "the peer's DICOM stack" : "the peer"
            return "association aborted by \(by) (A-ABORT source \(abort.source.rawValue), "
                + "reason \(abort.reason.rawValue))"
        case .timedOut(let phase):
            let during =
                switch phase {
                case .connect: "connecting"
                case .association: "waiting for the association to be accepted"
                case .response: "waiting for a response"
                case .release: "waiting for the release to be confirmed"
                }
            return "no answer within \(peer.timeoutText) while \(during) (--timeout); association aborted"
        default:
            return error.description
        }
    }

    static func reason(_ source: AssociateReject.Source, peer: PeerOptions) -> String {
        switch source {
        case .serviceUser(.calledAETitleNotRecognized):
            "called AE title \"\(peer.calledAETitle)\" not recognized (give the peer's AE title with --aec)"
        case .serviceUser(.callingAETitleNotRecognized):
            "calling AE title \"\(peer.callingAETitle)\" not recognized (the peer must know us; see --aet)"
        case .serviceUser(.applicationContextNameNotSupported): "application context name not supported"
        case .serviceUser: "no reason given by the peer"
        case .serviceProviderACSE(.protocolVersionNotSupported): "protocol version not supported"
        case .serviceProviderACSE: "no reason given (ACSE)"
        case .serviceProviderPresentation(.temporaryCongestion): "temporary congestion"
        case .serviceProviderPresentation(.localLimitExceeded): "the peer's association limit is reached"
        case .serviceProviderPresentation: "no reason given (presentation)"
        case .other(let source, let reason): "source \(source), reason \(reason)"
        }
    }

    static func describe(_ error: NIOConnectionError) -> String {
        if let dns = error.dnsAError ?? error.dnsAAAAError {
            return "cannot resolve \(error.host): \(dns)"
        }
        let reasons = error.connectionErrors.map { failure in
            if let io = failure.error as? IOError { return String(cString: strerror(io.errnoCode)) }
            return "\(failure.error)"
        }
        let unique = reasons.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return "could not connect to \(error.host) port \(error.port): "
            + (unique.isEmpty ? "no address" : unique.joined(separator: "; "))
    }
}
