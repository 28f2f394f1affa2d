public import DICOM

/// What to render of an image and how (PS3.18 8.3.5.1): a frame, a window that replaces the
/// data set's, a viewport.
public struct RenderingOptions: Sendable, Hashable {
    /// From 1.
    public var frame: Int
    public var window: VOIWindow?
    public var viewport: Viewport?

    public init(frame: Int = 1, window: VOIWindow? = nil, viewport: Viewport? = nil) {
        self.frame = frame
        self.window = window
        self.viewport = viewport
    }
}

/// One frame of an instance as an 8-bit image: native pixel data through the greyscale
/// pipeline (monochrome) or to RGB (colour), then the viewport. Compressed pixel data waits for
/// the codecs.
public enum ImageRenderer {
    public static func render(_ file: DICOMFile, options: RenderingOptions = RenderingOptions()) throws(ImagingError)
        -> RenderedImage
    {
        try render(file.dataSet, transferSyntax: file.transferSyntax, options: options)
    }

    public static func render(
        _ dataSet: DataSet, transferSyntax: TransferSyntax, options: RenderingOptions = RenderingOptions()
    ) throws(ImagingError) -> RenderedImage {
        let module = try ImagePixelModule(dataSet: dataSet)
        let frames: PixelDataFrames
        do {
            frames = try PixelDataFrames(dataSet: dataSet)
        } catch {
            throw ImagingError(error)
        }
        guard (1...frames.frames.count).contains(options.frame) else {
            throw .noSuchFrame(options.frame, count: frames.frames.count)
        }
        // Encapsulated Uncompressed Explicit VR Little Endian holds native frames in fragments.
        if frames.isEncapsulated, transferSyntax != .encapsulatedUncompressedExplicitVRLittleEndian {
            let name = UIDRegistry.entry(for: transferSyntax.uid)?.name ?? "a compressed transfer syntax"
            throw .unsupported(
                "the pixel data is compressed (\(name), \(transferSyntax.uid.rawValue)) and Apus cannot decode it yet")
        }
        let frame = frames.frames[options.frame - 1]
        let image: RenderedImage
        switch module.photometricInterpretation {
        case .monochrome1, .monochrome2:
            let samples = try MonochromeFrame(frame: frame, module: module)
            let pipeline = try GreyscalePipeline(
                dataSet: dataSet, frame: options.frame, window: options.window,
                storedRange: Int(samples.minimum), Int(samples.maximum), signed: module.isSigned,
                inverted: module.photometricInterpretation == .monochrome1)
            image = RenderedImage(
                width: module.columns, height: module.rows, channels: 1, pixels: pipeline.render(samples))
        case .paletteColor:
            let indices = try MonochromeFrame(frame: frame, module: module)
            let palette = try PaletteColorLUT(dataSet: dataSet)
            image = RenderedImage(width: module.columns, height: module.rows, channels: 3, pixels: palette.rgb(indices))
        case .rgb, .ybrFull, .ybrFull422, .other:
            image = RenderedImage(
                width: module.columns, height: module.rows, channels: 3,
                pixels: try ColorFrame.rgb(frame: frame, module: module))
        }
        return try options.viewport?.apply(to: image) ?? image
    }
}
