public import DICOM

/// The SOP classes of the standard that the services accept by default.
public enum StandardSOPClasses {
    /// Every storage SOP class of the registry, retired ones included (old modalities still send
    /// them): the SOP classes under 1.2.840.10008.5.1.4 whose keyword says "Storage" (PS3.4
    /// B.5). That excludes Storage Commitment and the Media Storage Directory, which live elsewhere.
    public static let storage: Set<UID> = Set(
        UIDRegistry.entries.lazy
            .filter { $0.type == .sopClass && $0.uid.rawValue.hasPrefix("1.2.840.10008.5.1.4.") }
            .filter { $0.keyword.contains("Storage") }
            .map(\.uid))

    /// The C-FIND models of Query/Retrieve (PS3.4 C.6).
    public static let queryRetrieveFind: Set<UID> = [
        .patientRootQueryRetrieveInformationModelFind, .studyRootQueryRetrieveInformationModelFind,
        .patientStudyOnlyQueryRetrieveInformationModelFind,
    ]

    /// The C-GET models of Query/Retrieve (PS3.4 C.6).
    public static let queryRetrieveGet: Set<UID> = [
        .patientRootQueryRetrieveInformationModelGet, .studyRootQueryRetrieveInformationModelGet,
        .patientStudyOnlyQueryRetrieveInformationModelGet,
    ]

    /// The C-MOVE models of Query/Retrieve (PS3.4 C.6).
    public static let queryRetrieveMove: Set<UID> = [
        .patientRootQueryRetrieveInformationModelMove, .studyRootQueryRetrieveInformationModelMove,
        .patientStudyOnlyQueryRetrieveInformationModelMove,
    ]
}
