import DICOMImaging

/// The rendering parameters of WADO-URI (PS3.18 9.1.2.1, 8.2.2–8.2.5 of earlier editions):
/// `windowCenter` and `windowWidth` (together), `rows` and `columns` (the largest size
/// wanted, aspect ratio kept), `region` (`xmin,ymin,xmax,ymax` as fractions of the image),
/// `frameNumber`, `imageQuality`. `annotation` and presentation states are not applied and
/// become warnings.
struct WADOURIRendering: Sendable {
    var window: VOIWindow?
    var rows: Int?
    var columns: Int?
    var region: (left: Double, top: Double, right: Double, bottom: Double)?
    var frame = 1
    var quality: Int?
    var warnings: [String] = []

    init(_ parameters: (String) -> String?) throws {
        switch (parameters("windowCenter"), parameters("windowWidth")) {
        case (nil, nil):
            break
        case (let center?, let width?):
            guard let center = Double(center.trimmingSpaces()), let width = Double(width.trimmingSpaces()) else {
                throw DICOMwebError.badRequest("windowCenter and windowWidth must be decimal numbers")
            }
            do {
                window = try VOIWindow(center: center, width: width)
            } catch {
                throw DICOMwebError.badRequest("windowCenter=\(center), windowWidth=\(width): \(error)")
            }
        default:
            throw DICOMwebError.badRequest("windowCenter and windowWidth go together: give both or neither")
        }
        rows = try WADOURIRendering.size(parameters("rows"), name: "rows")
        columns = try WADOURIRendering.size(parameters("columns"), name: "columns")
        if let text = parameters("region") {
            let values = text.split(separator: ",", omittingEmptySubsequences: false).compactMap {
                Double($0.trimmingSpaces())
            }
            guard values.count == 4, values.allSatisfy({ (0...1).contains($0) }), values[0] < values[2],
                values[1] < values[3]
            else {
                throw DICOMwebError.badRequest(
                    "region=\(text): must be xmin,ymin,xmax,ymax, fractions from 0 to 1 with xmin < xmax, ymin < ymax")
            }
            region = (values[0], values[1], values[2], values[3])
        }
        if let text = parameters("frameNumber") {
            guard let number = Int(text.trimmingSpaces()), number >= 1 else {
                throw DICOMwebError.badRequest("frameNumber=\(text): must be a frame number (1, 2, …)")
            }
            frame = number
        }
        if let text = parameters("imageQuality") {
            guard let number = Int(text.trimmingSpaces()), (1...100).contains(number) else {
                throw DICOMwebError.badRequest("imageQuality=\(text): must be an integer from 1 to 100")
            }
            quality = number
        }
        if let annotation = parameters("annotation") {
            warnings.append("annotation=\(annotation) is not supported: the image is rendered without annotations")
        }
        if parameters("presentationUID") != nil {
            warnings.append("presentation states are not applied yet: the image is rendered from its own attributes")
        }
    }

    private static func size(_ text: String?, name: String) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text.trimmingSpaces()), (1...Viewport.maximumSide).contains(value) else {
            throw DICOMwebError.badRequest("\(name)=\(text): must be an integer from 1 to \(Viewport.maximumSide)")
        }
        return value
    }

    /// The rendering of an image of `imageColumns`×`imageRows`.
    func options(columns imageColumns: Int, rows imageRows: Int) throws -> RenderingOptions {
        var source: ImageRegion?
        var width = imageColumns
        var height = imageRows
        if let region {
            let left = Int((region.left * Double(imageColumns)).rounded())
            let top = Int((region.top * Double(imageRows)).rounded())
            width = max(1, Int((region.right * Double(imageColumns)).rounded()) - left)
            height = max(1, Int((region.bottom * Double(imageRows)).rounded()) - top)
            source = ImageRegion(x: left, y: top, width: width, height: height)
        }
        guard source != nil || rows != nil || columns != nil else {
            return RenderingOptions(frame: frame, window: window)
        }
        do {
            // One dimension given: the other follows from the aspect ratio, which the widest
            // viewport leaves free.
            let viewport = try Viewport(
                width: columns ?? (rows == nil ? min(width, Viewport.maximumSide) : Viewport.maximumSide),
                height: rows ?? (columns == nil ? min(height, Viewport.maximumSide) : Viewport.maximumSide),
                region: source)
            return RenderingOptions(frame: frame, window: window, viewport: viewport)
        } catch {
            throw DICOMwebError.badRequest("\(error)")
        }
    }
}
