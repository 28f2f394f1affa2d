import Archive
import DICOM
import DICOMImaging
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

extension ImagingError {
    /// A parameter or frame number the client got wrong: every other instance would fail the
    /// same way, so the request fails at once.
    fileprivate var isTheClients: Bool {
        switch self {
        case .invalidParameter, .noSuchFrame: true
        case .noPixelData, .unsupported, .malformed: false
        }
    }
}

extension HTTPAPI {
    /// WADO-RS rendered resources (PS3.18 10.4.1.1.3) and thumbnails (10.4.1.1.4): images made
    /// from native pixel data by DICOMImaging, as JPEG or PNG. An instance or one frame is one
    /// image; several frames, a series or a study are `multipart/related`, one image per frame
    /// or per instance (its first frame).
    func addRenderedRoutes(to group: RouterGroup<Context>) {
        let instance = "studies/:study/series/:series/instances/:instance"
        group.get("studies/:study/rendered") { request, context in
            try await renderedInstances(request, try target(context))
        }
        group.get("studies/:study/series/:series/rendered") { request, context in
            try await renderedInstances(request, try target(context))
        }
        group.get(RouterPath("\(instance)/rendered")) { request, context in
            try await renderedFrames(request, try target(context), frames: nil)
        }
        group.get(RouterPath("\(instance)/frames/:frames/rendered")) { request, context in
            let numbers = try HTTPAPI.frameNumbers(context.parameters.require("frames"))
            return try await renderedFrames(request, try target(context), frames: numbers)
        }
        for path in ["studies/:study", "studies/:study/series/:series", instance] {
            group.get(RouterPath("\(path)/thumbnail")) { request, context in
                try await thumbnail(request, try target(context), frame: nil)
            }
        }
        group.get(RouterPath("\(instance)/frames/:frames/thumbnail")) { request, context in
            let numbers = try HTTPAPI.frameNumbers(context.parameters.require("frames"))
            return try await thumbnail(request, try target(context), frame: numbers.first)
        }
    }

    /// One frame of an instance (the first when none is named), or a multipart of frames.
    private func renderedFrames(_ request: Request, _ target: RetrieveTarget, frames: [Int]?) async throws -> Response {
        let (parameters, type) = try HTTPAPI.rendering(request)
        let (_, file) = try await readInstance(target)
        let images: [[UInt8]]
        do {
            images = try (frames ?? [1]).map { number in
                try type.encode(HTTPAPI.render(file, frame: number, parameters), quality: parameters.quality)
            }
        } catch let error as ImagingError {
            throw DICOMwebError.rendering(error)
        }
        if frames == nil || images.count == 1, let image = images.first {
            return HTTPAPI.imageResponse(image, type: type, warnings: parameters.warnings)
        }
        let multipart = MultipartWriter()
        var body = ByteBuffer()
        for image in images {
            body.writeImmutableBuffer(multipart.part(ByteBuffer(bytes: image), contentType: type.rawValue))
        }
        body.writeImmutableBuffer(multipart.closing)
        var headers = HTTPFields()
        headers[.contentType] = multipart.contentType(type: type.rawValue)
        headers.append(contentsOf: DICOMwebError.warningFields(parameters.warnings))
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// The first frame of each instance of a study or series, streamed one part per instance.
    /// Compressed instances are left out (with a Warning), as are instances found to have no
    /// image once read; the first image is rendered before answering, so that a bad parameter
    /// is a 400 and a target without any renderable image a 406.
    private func renderedInstances(_ request: Request, _ target: RetrieveTarget) async throws -> Response {
        let (parameters, type) = try HTTPAPI.rendering(request)
        let instances = try await storedInstances(target)
        let native = instances.filter { !HTTPAPI.isCompressed($0.transferSyntaxUID) }
        var warnings = parameters.warnings
        if native.count < instances.count {
            warnings.append(
                "\(instances.count - native.count) of \(instances.count) instances have compressed pixel data, "
                    + "which Apus cannot decode yet, and are left out")
        }
        var first: (index: Int, image: [UInt8])?
        var refusal: ImagingError?
        for (index, instance) in native.enumerated() {
            do {
                let file = try await readFile(of: instance)
                first = (
                    index, try type.encode(HTTPAPI.render(file, frame: 1, parameters), quality: parameters.quality)
                )
                break
            } catch let error as ImagingError {
                if error.isTheClients { throw DICOMwebError.rendering(error) }
                refusal = refusal ?? error
            }
        }
        guard let first else {
            throw DICOMwebError.notAcceptable(
                "no instance of \(target.description) can be rendered: "
                    + (refusal?.description ?? "all have compressed pixel data, which Apus cannot decode yet"))
        }
        let multipart = MultipartWriter()
        let rest = native[(first.index + 1)...]
        let logger = self.logger
        let body = ResponseBody { writer in
            try await writer.write(multipart.part(ByteBuffer(bytes: first.image), contentType: type.rawValue))
            for instance in rest {
                do {
                    let file = try await readFile(of: instance)
                    let image = try type.encode(HTTPAPI.render(file, frame: 1, parameters), quality: parameters.quality)
                    try await writer.write(multipart.part(ByteBuffer(bytes: image), contentType: type.rawValue))
                } catch let error as ImagingError {
                    logger.debug(
                        "instance left out of a rendered response",
                        metadata: ["sop": "\(instance.sopInstanceUID)", "reason": "\(error)"])
                }
            }
            try await writer.write(multipart.closing)
            try await writer.finish(nil)
        }
        var headers = HTTPFields()
        headers[.contentType] = multipart.contentType(type: type.rawValue)
        headers.append(contentsOf: DICOMwebError.warningFields(warnings))
        return Response(status: .ok, headers: headers, body: body)
    }

    /// A small image standing for the target: the frame asked for, else an instance's middle
    /// frame; for a series its middle instance by Instance Number, for a study that of its
    /// first series (by Series Number) that has one. The viewport defaults to 128×128.
    private func thumbnail(_ request: Request, _ target: RetrieveTarget, frame: Int?) async throws -> Response {
        let (requested, type) = try HTTPAPI.rendering(request)
        var parameters = requested
        if parameters.viewport == nil { parameters.viewport = ViewportRequest(width: 128, height: 128) }
        let candidates: [StoredInstance]
        if target.instance != nil {
            candidates = try await storedInstances(target)
        } else {
            candidates = try await representativeInstances(of: target)
        }
        var refusal: ImagingError?
        for instance in candidates {
            do {
                let file = try await readFile(of: instance)
                let number = frame ?? (max(1, file.dataSet.int(.numberOfFrames) ?? 1) + 1) / 2
                let image = try HTTPAPI.render(file, frame: number, parameters)
                return HTTPAPI.imageResponse(
                    type.encode(image, quality: parameters.quality), type: type, warnings: parameters.warnings)
            } catch let error as ImagingError {
                if error.isTheClients { throw DICOMwebError.rendering(error) }
                refusal = refusal ?? error
            }
        }
        throw DICOMwebError.rendering(refusal ?? .noPixelData)
    }

    /// Up to five instances to try for a study's or series' thumbnail: the middle instance of
    /// each series, series in Series Number order.
    private func representativeInstances(of target: RetrieveTarget) async throws -> [StoredInstance] {
        var identifier = DataSet()
        identifier.set(.queryRetrieveLevel, vr: .CS, string: QueryLevel.image.rawValue)
        identifier.set(.studyInstanceUID, vr: .UI, string: target.study)
        identifier.set(.seriesInstanceUID, vr: .UI, strings: target.series.map { [$0] } ?? [])
        identifier.set(.sopInstanceUID, vr: .UI, strings: [])
        identifier.set(.seriesNumber, vr: .IS, strings: [])
        identifier.set(.instanceNumber, vr: .IS, strings: [])
        var series: [String: [(number: Int, uid: String)]] = [:]
        var seriesOrder: [(number: Int, uid: String)] = []
        for try await answer in archive.find(try archive.query(identifier: identifier, model: .studyRoot)) {
            guard let seriesUID = answer.string(.seriesInstanceUID), let uid = answer.string(.sopInstanceUID) else {
                continue
            }
            if series[seriesUID] == nil { seriesOrder.append((answer.int(.seriesNumber) ?? Int.max, seriesUID)) }
            series[seriesUID, default: []].append((answer.int(.instanceNumber) ?? Int.max, uid))
        }
        var chosen: [StoredInstance] = []
        for (_, seriesUID) in seriesOrder.enumerated().sorted(by: {
            ($0.element.number, $0.offset) < ($1.element.number, $1.offset)
        }).map(\.element).prefix(5) {
            let members = (series[seriesUID] ?? []).enumerated().sorted {
                ($0.element.number, $0.offset) < ($1.element.number, $1.offset)
            }
            guard !members.isEmpty else { continue }
            let middle = members[(members.count - 1) / 2].element.uid
            let instanceTarget = try RetrieveTarget(study: target.study, series: seriesUID, instance: middle)
            if let instance = try await storedInstances(instanceTarget).first { chosen.append(instance) }
        }
        guard !chosen.isEmpty else { throw DICOMwebError.notFound("no \(target.description)") }
        return chosen
    }

    /// The parameters of a rendering request and the media type it accepts.
    private static func rendering(_ request: Request) throws -> (RenderingParameters, RenderedMediaType) {
        let parameters = try RenderingParameters(
            request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) })
        return (parameters, try RenderedMediaType.negotiate(accept: parameters.accept ?? request.headers[.accept]))
    }

    /// One frame rendered with the request's parameters. Throws an `ImagingError` when the
    /// image cannot be rendered, an HTTP error when the viewport does not fit the image.
    static func render(_ file: DICOMFile, frame: Int, _ parameters: RenderingParameters) throws -> RenderedImage {
        let options = try parameters.options(
            frame: frame, columns: file.dataSet.int(.columns) ?? 0, rows: file.dataSet.int(.rows) ?? 0)
        return try ImageRenderer.render(file, options: options)
    }

    static func imageResponse(_ image: [UInt8], type: RenderedMediaType, warnings: [String]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type.rawValue
        headers.append(contentsOf: DICOMwebError.warningFields(warnings))
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: image)))
    }

    /// Whether pixel data in this syntax needs a decoder Apus does not have yet.
    static func isCompressed(_ transferSyntaxUID: String) -> Bool {
        let syntax = TransferSyntax(uid: UID(unchecked: transferSyntaxUID))
        return syntax.isEncapsulated && syntax != .encapsulatedUncompressedExplicitVRLittleEndian
    }
}
