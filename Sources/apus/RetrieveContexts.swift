import DICOM
import DICOMNetwork

/// The storage presentation contexts `apus get` proposes with the SCP role (PS3.4 C.4.3.1),
/// as getscu does: an association has room for 128 contexts, fewer than the storage SOP
/// classes, so the common ones. Each gets one context for the uncompressed syntaxes; the image
/// classes also one per common compressed syntax, since the archive sends an instance in the
/// syntax it was stored in and a context accepts one syntax only.
enum RetrieveContexts {
    static let imageClasses: [UID] = [
        .ctImageStorage, .enhancedCTImageStorage, .mrImageStorage, .enhancedMRImageStorage,
        .computedRadiographyImageStorage, .digitalXRayImageStorageForPresentation,
        .digitalMammographyXRayImageStorageForPresentation, .ultrasoundImageStorage,
        .ultrasoundMultiFrameImageStorage, .secondaryCaptureImageStorage, .xRayAngiographicImageStorage,
        .nuclearMedicineImageStorage, .positronEmissionTomographyImageStorage,
    ]

    static let otherClasses: [UID] = [
        .digitalXRayImageStorageForProcessing, .digitalMammographyXRayImageStorageForProcessing,
        .xRayRadiofluoroscopicImageStorage, .multiFrameGrayscaleByteSecondaryCaptureImageStorage,
        .multiFrameGrayscaleWordSecondaryCaptureImageStorage, .multiFrameTrueColorSecondaryCaptureImageStorage,
        .rtImageStorage, .rtDoseStorage, .rtStructureSetStorage, .rtPlanStorage, .basicTextSRStorage,
        .enhancedSRStorage, .comprehensiveSRStorage, .keyObjectSelectionDocumentStorage,
        .grayscaleSoftcopyPresentationStateStorage, .encapsulatedPDFStorage, .segmentationStorage,
        .vlPhotographicImageStorage, .ultrasoundImageStorageRetired, .nuclearMedicineImageStorageRetired,
    ]

    static let uncompressed: [UID] = [
        .explicitVRLittleEndian, .implicitVRLittleEndian, .deflatedExplicitVRLittleEndian, .explicitVRBigEndian,
    ]

    static let compressed: [UID] = [
        .jpegBaseline8Bit, .jpegExtended12Bit, .jpegLossless, .jpegLosslessSV1, .jpeg2000Lossless, .jpeg2000,
        .rleLossless,
    ]

    static var storage: [ProposedPresentationContext] {
        (imageClasses + otherClasses).map {
            ProposedPresentationContext(abstractSyntax: $0, transferSyntaxes: uncompressed)
        }
            + imageClasses.flatMap { sopClass in
                compressed.map { ProposedPresentationContext(abstractSyntax: sopClass, transferSyntaxes: [$0]) }
            }
    }

    static var roleSelections: [UserInformation.RoleSelection] {
        (imageClasses + otherClasses).map {
            UserInformation.RoleSelection(sopClassUID: $0, scuRole: false, scpRole: true)
        }
    }
}
