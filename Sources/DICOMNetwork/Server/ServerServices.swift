import DICOM

/// The services a server runs, and the abstract syntaxes they make it accept.
struct ServerServices: Sendable {
    var verification: any VerificationService
    var storage: (any StorageService)?
    var query: (any QueryService)?
    var retrieve: (any RetrieveService)?

    /// Verification always; the storage SOP classes (stored as received) and query models
    /// (identifiers decoded) of the services present.
    var abstractSyntaxes: [UID: AssociationNegotiator.Usage] {
        var syntaxes: [UID: AssociationNegotiator.Usage] = [.verification: .decoded]
        for sopClass in storage?.sopClasses ?? [] { syntaxes[sopClass] = .stored }
        for model in query?.informationModels ?? [] { syntaxes[model] = .decoded }
        if let retrieve {
            for model in retrieve.getInformationModels.union(retrieve.moveInformationModels) {
                syntaxes[model] = .decoded
            }
            // A C-GET's instances come back on storage contexts the peer proposes with the SCP role.
            for sopClass in StandardSOPClasses.storage where syntaxes[sopClass] == nil { syntaxes[sopClass] = .stored }
        }
        return syntaxes
    }

    /// The SOP classes we act as SCU for (C-GET's C-STOREs) when the requestor takes the SCP role.
    var scuRoleSOPClasses: Set<UID> {
        retrieve == nil ? [] : StandardSOPClasses.storage
    }
}
