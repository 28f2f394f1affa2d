import DICOM
import DICOMNetwork

/// The storage presentation contexts `apus get` proposes with the SCP role (PS3.4 C.4.3.1),
/// as getscu does: an association has room for 128 contexts, fewer than the storage SOP
/// classes, so the common ones. A context is accepted with one transfer syntax, and a peer
/// that has the instance in another must convert it (an archive re-encodes uncompressed data
/// at best), so each class gets one context per syntax it is commonly stored in: Explicit and
/// Implicit VR Little Endian, and for the image classes the common compressed syntaxes.
/// 31 classes × 2 + 13 image classes × 5 + the C-GET model = 128.
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
        .vlPhotographicImageStorage,
    ]

    static let uncompressed: [UID] = [.explicitVRLittleEndian, .implicitVRLittleEndian]

    static let compressed: [UID] = [.jpegBaseline8Bit, .jpegLosslessSV1, .jpeg2000Lossless, .jpeg2000, .rleLossless]

    static var storage: [ProposedPresentationContext] {
        let native = (imageClasses + otherClasses).flatMap { sopClass in
            uncompressed.map { ProposedPresentationContext(abstractSyntax: sopClass, transferSyntaxes: [$0]) }
        }
        return native
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
