/// One UID of the registry of PS3.6 Table A-1.
public struct UIDEntry: Sendable, Hashable {
    public let uid: UID
    /// `CT Image Storage`; empty for two retired SOP classes whose names the standard dropped.
    public let name: String
    /// `CTImageStorage`; empty when the standard gives none.
    public let keyword: String
    public let type: UIDType
    public let isRetired: Bool
}

/// The UID Type column of PS3.6 Table A-1.
public enum UIDType: String, Sendable {
    case transferSyntax
    case sopClass
    case metaSOPClass
    case wellKnownSOPInstance
    case applicationContextName
    /// Coding schemes, and the DICOM UID registry itself used as one ("DICOM UIDs as a Coding Scheme").
    case codingScheme
    case ldapOID
    case synchronizationFrameOfReference
    case wellKnownFrameOfReference
    case serviceClass
    case applicationHostingModel
    case mappingResource
    case contextGroupName
    case other
}
