/// The Verification service class (PS3.4 Annex A): answers C-ECHO.
public protocol VerificationService: Sendable {
    func verify(_ request: CEchoRequest, context: AssociationContext) async -> ServiceResult
}

/// Answers every C-ECHO with success: the association got this far, so we are here.
public struct DefaultVerificationService: VerificationService {
    public init() {}

    public func verify(_ request: CEchoRequest, context: AssociationContext) async -> ServiceResult {
        .success
    }
}
