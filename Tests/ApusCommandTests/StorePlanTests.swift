import DICOM
import DICOMNetwork
import Testing

@testable import apus

/// Presentation contexts of `apus store`: one per SOP class / transfer syntax pair, a
/// fallback for native pixel data, at most 128 per association.
@Suite("apus store: plan")
struct StorePlanTests {
    static func file(_ name: String, _ sopClass: UID, _ syntax: UID) -> StoreInput.Candidate {
        StoreInput.Candidate(
            path: name, header: Part10Header(sopClass: sopClass, sopInstance: nil, transferSyntax: syntax))
    }

    @Test func onePairOneContextAndAFallbackForNativePixelData() {
        let files = [
            Self.file("a", .ctImageStorage, .explicitVRLittleEndian),
            Self.file("b", .secondaryCaptureImageStorage, .jpeg2000),
            Self.file("c", .ctImageStorage, .explicitVRLittleEndian),
            Self.file("d", .mrImageStorage, .explicitVRBigEndian),
            Self.file("e", .mrImageStorage, .implicitVRLittleEndian),
        ]
        let plan = StorePlan(files)
        #expect(plan.associations.count == 1)
        let contexts = plan.associations.first?.contexts ?? []
        #expect(
            contexts == [
                ProposedPresentationContext(
                    abstractSyntax: .ctImageStorage, transferSyntaxes: [.explicitVRLittleEndian]),
                ProposedPresentationContext(
                    abstractSyntax: .ctImageStorage, transferSyntaxes: [.implicitVRLittleEndian]),
                ProposedPresentationContext(
                    abstractSyntax: .secondaryCaptureImageStorage, transferSyntaxes: [.jpeg2000]),
                ProposedPresentationContext(abstractSyntax: .mrImageStorage, transferSyntaxes: [.explicitVRBigEndian]),
                ProposedPresentationContext(
                    abstractSyntax: .mrImageStorage, transferSyntaxes: [.implicitVRLittleEndian]),
            ])
        #expect(plan.associations.first?.files.map(\.path) == ["a", "b", "c", "d", "e"])
    }

    @Test func moreThan128ContextsTakeSeveralAssociationsAndKeepTheFileOrder() {
        // 100 SOP classes with two contexts each (own syntax + fallback): 64 per association.
        let files = (0..<100).map { Self.file("f\($0)", UID(unchecked: "1.2.3.\($0)"), .explicitVRLittleEndian) }
        let plan = StorePlan(files + [Self.file("again", UID(unchecked: "1.2.3.0"), .explicitVRLittleEndian)])
        #expect(plan.associations.map(\.contexts.count) == [128, 72])
        #expect(plan.associations.allSatisfy { $0.contexts.count <= StorePlan.maximumContexts })
        #expect(plan.associations.first?.files.map(\.path) == (0..<64).map { "f\($0)" } + ["again"])
        #expect(plan.associations.last?.files.map(\.path) == (64..<100).map { "f\($0)" })
    }

    @Test func aSOPClassWithMoreSyntaxesThanFitSpreadsOverAssociations() {
        let syntaxes = (0..<200).map { UID(unchecked: "1.2.840.10008.1.2.4.\(1000 + $0)") }
        let plan = StorePlan(syntaxes.enumerated().map { Self.file("f\($0.offset)", .ctImageStorage, $0.element) })
        #expect(plan.associations.map(\.contexts.count) == [128, 72])
        #expect(plan.associations.flatMap(\.files).count == 200)
    }

    @Test func fallbackSyntaxes() {
        #expect(StorePlan.fallback(for: [.explicitVRLittleEndian]) == [.implicitVRLittleEndian])
        #expect(StorePlan.fallback(for: [.explicitVRBigEndian]) == [.explicitVRLittleEndian, .implicitVRLittleEndian])
        #expect(StorePlan.fallback(for: [.implicitVRLittleEndian, .explicitVRBigEndian]).isEmpty)
        #expect(StorePlan.fallback(for: [.jpeg2000, .jpegBaseline8Bit]).isEmpty)
        #expect(
            StorePlan.fallback(for: [.jpeg2000, .deflatedExplicitVRLittleEndian]) == [
                .explicitVRLittleEndian, .implicitVRLittleEndian,
            ])
    }
}
