import DICOM
import DICOMImaging
import Hummingbird

/// The query parameters of a rendered or thumbnail resource (PS3.18 8.3.5.1, Table 8.3.5-1):
/// `window`, `viewport`, `quality`, and those Apus accepts without applying (`annotation`,
/// `iccprofile` other than `no`), which become `Warning` headers. A malformed value is a 400
/// that names the parameter and says what it must look like.
struct RenderingParameters: Sendable {
    var window: VOIWindow?
    var viewport: ViewportRequest?
    /// JPEG quality, 1…100.
    var quality: Int?
    /// The `accept` query parameter (8.3.3.1), which replaces the Accept header.
    var accept: String?
    var warnings: [String] = []

    init(_ parameters: [(name: String, value: String)]) throws {
        for (name, value) in parameters {
            switch name {
            case "window": window = try RenderingParameters.window(value)
            case "viewport": viewport = try ViewportRequest(value)
            case "quality":
                guard let number = Int(value), (1...100).contains(number) else {
                    throw DICOMwebError.badRequest("quality=\(value): must be an integer from 1 to 100")
                }
                quality = number
            case "accept": accept = value
            case "annotation":
                warnings.append("annotation=\(value) is not supported: the image is rendered without annotations")
            case "iccprofile" where value.lowercased() != "no":
                warnings.append("iccprofile=\(value) is not supported: the image carries no ICC profile")
            default:
                break
            }
        }
    }

    /// `center,width[,function]`, function `linear` (the default), `linear-exact` or `sigmoid`.
    static func window(_ text: String) throws -> VOIWindow {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
        let usage = "window=\(text): must be center,width,function (numbers, then linear, linear-exact or sigmoid)"
        guard (2...3).contains(items.count), let center = Double(items[0]), let width = Double(items[1]) else {
            throw DICOMwebError.badRequest(usage)
        }
        var function = VOIFunction.linear
        if items.count == 3 {
            guard let named = VOIFunction(queryTerm: items[2]) else { throw DICOMwebError.badRequest(usage) }
            function = named
        }
        do {
            return try VOIWindow(center: center, width: width, function: function)
        } catch {
            throw DICOMwebError.badRequest("window=\(text): \(error)")
        }
    }

    /// The rendering of one frame of an image whose columns and rows are given: the viewport
    /// resolved against the image's size.
    func options(frame: Int, columns: Int, rows: Int) throws -> RenderingOptions {
        RenderingOptions(frame: frame, window: window, viewport: try viewport?.resolve(columns: columns, rows: rows))
    }
}

/// `vw,vh[,sx,sy,sw,sh]` (PS3.18 8.3.5.1.3): the viewport's size and, optionally, the source
/// region, whose missing values default to the top-left corner and the rest of the image.
struct ViewportRequest: Sendable, Hashable {
    var width: Int
    var height: Int
    var x: Int?
    var y: Int?
    var regionWidth: Int?
    var regionHeight: Int?

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    init(_ text: String) throws {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
        let usage = "viewport=\(text): must be vw,vh or vw,vh,sx,sy,sw,sh (integers; the viewport at least 1×1)"
        guard items.count == 2 || items.count == 6, let width = Int(items[0]), let height = Int(items[1]),
            width > 0, height > 0
        else { throw DICOMwebError.badRequest(usage) }
        var region: [Int?] = []
        for item in items.dropFirst(2) {
            if item.isEmpty {
                region.append(nil)
            } else if let number = Int(item) {
                region.append(number)
            } else {
                throw DICOMwebError.badRequest(usage)
            }
        }
        self.width = width
        self.height = height
        if region.count == 4 {
            (x, y, regionWidth, regionHeight) = (region[0], region[1], region[2], region[3])
        }
    }

    func resolve(columns: Int, rows: Int) throws -> Viewport {
        var region: ImageRegion?
        if x != nil || y != nil || regionWidth != nil || regionHeight != nil {
            let left = x ?? 0
            let top = y ?? 0
            region = ImageRegion(
                x: left, y: top, width: regionWidth ?? columns - left, height: regionHeight ?? rows - top)
        }
        do {
            return try Viewport(width: width, height: height, region: region)
        } catch {
            throw DICOMwebError.badRequest("viewport: \(error)")
        }
    }
}
