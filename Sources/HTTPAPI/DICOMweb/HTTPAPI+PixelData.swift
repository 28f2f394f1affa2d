import Archive
import DICOM
import DICOMImaging
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

extension HTTPAPI {
    /// WADO-RS frames and bulk data (PS3.18 10.4.1.1.4–5): parts of one instance, read from its
    /// blob. The instance is parsed whole (one instance, never a study); values are slices of
    /// that one buffer.
    func addPixelDataRoutes(to group: RouterGroup<Context>) {
        group.get("studies/:study/series/:series/instances/:instance/frames/:frames") { request, context in
            let numbers = try HTTPAPI.frameNumbers(context.parameters.require("frames"))
            let (instance, file) = try await readInstance(try target(context))
            let frames: [ByteBuffer]
            let pixels: PixelDataFrames
            do {
                pixels = try PixelDataFrames(dataSet: file.dataSet)
                frames = try pixels.select(numbers)
            } catch {
                throw DICOMwebError.notFound("\(error)")
            }
            return try pixelDataResponse(
                frames, encapsulated: pixels.isEncapsulated, instance: instance, accept: request.headers[.accept])
        }
        group.get("studies/:study/series/:series/instances/:instance/bulk/**") { request, context in
            let path = context.parameters.getCatchAll().map(String.init)
            let (instance, file) = try await readInstance(try target(context))
            let element = try HTTPAPI.element(at: path, in: file.dataSet)
            switch element.value {
            case .bytes(let bytes):
                return try pixelDataResponse(
                    [bytes], encapsulated: false, instance: instance, accept: request.headers[.accept])
            case .encapsulated:
                // Compressed pixel data as its frames, each in the media type of its syntax.
                let frames: [ByteBuffer]
                do {
                    frames = try PixelDataFrames(dataSet: file.dataSet).frames
                } catch {
                    throw DICOMwebError.notFound("\(error)")
                }
                return try pixelDataResponse(
                    frames, encapsulated: true, instance: instance, accept: request.headers[.accept])
            case .sequence:
                throw DICOMwebError.notFound("\(path.joined(separator: "/")) is a sequence, not bulk data")
            }
        }
    }

    /// The stored instance a path names and its Part 10 file, read whole.
    func readInstance(_ target: RetrieveTarget) async throws -> (StoredInstance, DICOMFile) {
        guard let instance = try await storedInstances(target).first else {
            throw DICOMwebError.notFound("no \(target.description)")
        }
        return (instance, try await readFile(of: instance))
    }

    /// The Part 10 file of a stored instance, read whole.
    func readFile(of instance: StoredInstance) async throws -> DICOMFile {
        let bytes = try await archive.blobs.read(instance.blobKey)
        do {
            return try DICOMFile(reading: bytes)
        } catch {
            logger.error("stored instance unreadable", metadata: ["sop": "\(instance.sopInstanceUID)"])
            throw HTTPError(.internalServerError, message: "the stored instance cannot be read: \(error)")
        }
    }

    /// Parts of bytes as stored: native values as `application/octet-stream` in explicit VR
    /// little endian (how values are kept once read), encapsulated frames in the media type of
    /// the instance's transfer syntax.
    private func pixelDataResponse(
        _ parts: [ByteBuffer], encapsulated: Bool, instance: StoredInstance, accept: String?
    ) throws -> Response {
        let syntax = encapsulated ? instance.transferSyntaxUID : TransferSyntax.explicitVRLittleEndian.uid.rawValue
        let mediaType = PixelDataMediaType.mediaType(transferSyntax: syntax, encapsulated: encapsulated)
        let negotiation = TransferSyntaxNegotiation(
            partType: mediaType, alsoAcceptedPartTypes: ["application/octet-stream"], stored: [syntax])
        if let refusal = negotiation.refusal(accept: accept) {
            throw DICOMwebError.notAcceptable(refusal)
        }
        let multipart = MultipartWriter()
        let contentType = PixelDataMediaType.contentType(transferSyntax: syntax, encapsulated: encapsulated)
        var headers = HTTPFields()
        headers[.contentType] = multipart.contentType(type: mediaType)
        let body = ResponseBody { writer in
            for part in parts {
                try await writer.write(multipart.part(part, contentType: contentType))
            }
            try await writer.write(multipart.closing)
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// `1`, `1,3,5`: frame numbers from 1, at most 10,000 of them.
    static func frameNumbers(_ list: String) throws -> [Int] {
        let items = list.split(separator: ",", omittingEmptySubsequences: false)
        guard items.count <= 10_000 else { throw DICOMwebError.badRequest("more than 10000 frames asked for") }
        return try items.map { item in
            guard let number = Int(item.trimmingSpaces()), number >= 1 else {
                throw DICOMwebError.badRequest("frame list '\(list)': '\(item)' is not a frame number (1, 2, …)")
            }
            return number
        }
    }

    /// The element a bulk data path names: tags, with the item index after each sequence's
    /// (`00540016/0/00181072`), as `InstanceMetadata.bulkDataURI(for:)` writes them.
    static func element(at path: [String], in dataSet: DataSet) throws -> DataElement {
        guard !path.isEmpty, path.count <= 127 else { throw DICOMwebError.badRequest("bad bulk data path") }
        var current = dataSet
        var index = 0
        while true {
            guard path[index].count == 8, let tag = Tag(hexString: path[index]) else {
                throw DICOMwebError.badRequest("bulk data path: '\(path[index])' is not a tag (ggggeeee)")
            }
            guard let element = current[tag] else {
                throw DICOMwebError.notFound("no element \(path[...index].joined(separator: "/"))")
            }
            if index == path.count - 1 { return element }
            guard index + 1 < path.count, let item = Int(path[index + 1]), let items = element.items,
                items.indices.contains(item)
            else {
                throw DICOMwebError.notFound("no item \(path[...(index + 1)].joined(separator: "/"))")
            }
            current = items[item]
            index += 2
        }
    }
}
