public import DICOM

/// What an acceptor agrees to (PS3.8 §7.1.1, PS3.7 Annex D.3): which AE titles may talk to it,
/// which transfer syntaxes it takes in which order, its maximum PDU length, how many
/// associations it runs at once and how long it waits for silent peers.
///
/// The abstract syntaxes it accepts are not here: they follow from the services the server
/// runs (Verification, the storage SOP classes of its `StorageService`, …).
public struct AssociationPolicy: Sendable {
    /// Our AE title, the Called-AE-title peers must use unless `acceptsAnyCalledAETitle`.
    public var aeTitle: String
    /// Accept whatever Called-AE-title the peer uses (a single-tenant archive behind a router).
    public var acceptsAnyCalledAETitle: Bool
    /// The Calling-AE-titles allowed to associate; nil allows any.
    public var allowedCallingAETitles: Set<String>?
    /// A further check of who asks (AE title, address, client certificate), after the AE
    /// titles: the reason to refuse, answered "calling AE title not recognized", or nil to go on.
    public var requestorCheck: (@Sendable (AssociationRequestor) -> String?)?
    /// The transfer syntaxes accepted for every abstract syntax, in our order of preference:
    /// of those a peer proposes for a context, the first in this list is chosen.
    public var transferSyntaxes: [UID]
    /// Storage contexts keep the peer's compression: when the peer proposes a compressed
    /// transfer syntax of the standard (JPEG, JPEG 2000, RLE, …), the first it proposes is
    /// chosen over `transferSyntaxes`. An archive keeps instances in the encoding they come in;
    /// preferring an uncompressed syntax would make the peer decompress (or fail, if it can't).
    public var keepsCompressionForStorage: Bool
    /// The largest P-DATA-TF PDU we receive (our Maximum Length Sub-Item), clamped to
    /// `maximumPDULengthRange`. We send PDUs no larger than the peer's maximum nor than this.
    public var maximumPDULength: UInt32 {
        get { _maximumPDULength }
        set {
            _maximumPDULength = min(
                max(newValue, Self.maximumPDULengthRange.lowerBound), Self.maximumPDULengthRange.upperBound)
        }
    }
    private var _maximumPDULength: UInt32
    /// Associations that may run at once; the next one is rejected (transient, local limit exceeded).
    public var maximumAssociations: Int
    /// The ARTIM timer (PS3.8 §9.1.5): how long a connection may stay open without an
    /// A-ASSOCIATE-RQ, and after a rejection, abort or release, before we close it.
    public var artimTimeout: Duration
    /// The longest an association may stay silent between messages before we abort it; nil for never.
    public var idleTimeout: Duration?
    /// The C-STOREs one association may have under way at once when its requestor proposes an
    /// asynchronous operations window (PS3.7 D.3.3.3): the next instance is read while the
    /// previous ones are being made durable, so a single association is not bound by the
    /// round trip of each. 1 performs them one after the other, as without a window.
    public var operationsWindow: Int

    /// 4 KiB to 16 MiB: below, PDU headers cost more than they carry; above, one peer's PDU
    /// would claim buffers an archive serving hundreds of associations cannot give.
    public static let maximumPDULengthRange: ClosedRange<UInt32> = 4_096...16_777_216

    public init(
        aeTitle: String,
        acceptsAnyCalledAETitle: Bool = false,
        allowedCallingAETitles: Set<String>? = nil,
        transferSyntaxes: [UID] = [
            .explicitVRLittleEndian, .implicitVRLittleEndian, .deflatedExplicitVRLittleEndian, .explicitVRBigEndian,
        ],
        keepsCompressionForStorage: Bool = true,
        maximumPDULength: UInt32 = 131_072,
        maximumAssociations: Int = 64,
        artimTimeout: Duration = .seconds(30),
        idleTimeout: Duration? = .seconds(600),
        operationsWindow: Int = 16
    ) {
        self.aeTitle = aeTitle
        self.acceptsAnyCalledAETitle = acceptsAnyCalledAETitle
        self.allowedCallingAETitles = allowedCallingAETitles
        self.transferSyntaxes = transferSyntaxes
        self.keepsCompressionForStorage = keepsCompressionForStorage
        self._maximumPDULength = 0
        self.maximumAssociations = maximumAssociations
        self.artimTimeout = artimTimeout
        self.idleTimeout = idleTimeout
        self.operationsWindow = max(1, operationsWindow)
        self.maximumPDULength = maximumPDULength
    }
}
