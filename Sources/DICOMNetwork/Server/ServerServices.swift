import DICOM

/// The services a server runs, and the abstract syntaxes they make it accept.
struct ServerServices: Sendable {
    var verification: any VerificationService
    var storage: (any StorageService)?
    var query: (any QueryService)?

    /// Verification always; the storage SOP classes (stored as received) and query models
    /// (identifiers decoded) of the services present.
    var abstractSyntaxes: [UID: AssociationNegotiator.Usage] {
        var syntaxes: [UID: AssociationNegotiator.Usage] = [.verification: .decoded]
        for sopClass in storage?.sopClasses ?? [] { syntaxes[sopClass] = .stored }
        for model in query?.informationModels ?? [] { syntaxes[model] = .decoded }
        return syntaxes
    }
}
