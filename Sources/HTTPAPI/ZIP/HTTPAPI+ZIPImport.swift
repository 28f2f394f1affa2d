public import Archive
import DICOM
public import Hummingbird
import Logging
public import NIOCore

/// What became of one file of an uploaded ZIP archive.
public struct ZIPImportResult: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case stored(StoredInstance)
        /// Stored already and kept (duplicate policy `keep`).
        case duplicate(StoredInstance)
        /// Stored already and replaced (duplicate policy `overwrite`).
        case overwritten(StoredInstance)
        /// Not stored, for the reason given: not DICOM, unreadable, damaged in the archive.
        case refused(String)
        /// Not an instance and not meant as one (a DICOMDIR, a macOS resource fork).
        case skipped(String)
    }

    /// The file's path in the archive.
    public var name: String
    public var outcome: Outcome
}

/// An upload refused as a whole: not a ZIP archive, a hostile one, or too large. Thrown by
/// `ingestZIP` before anything is stored; Hummingbird answers it with its status and reason.
public struct ZIPImportError: HTTPResponseError, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let reason: String

    public var description: String { reason }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: reason + "\n")))
    }
}

extension HTTPAPI {
    /// Stores every DICOM file of a ZIP archive sent as a request body (POST /instances with
    /// a ZIP body in Orthanc's API, `POST /tools/import-zip` here). The body is spooled to an
    /// unlinked temporary file of at most `maximumZIPUploadSize` bytes, the archive's
    /// directory is checked as a whole (`ZIPReader`), then each file is inflated and stored
    /// in turn, one in memory at a time, through the same ingest as STOW-RS and C-STORE.
    ///
    /// Throws `ZIPImportError` (400, 413) when the archive as a whole is refused, before
    /// anything of it is stored. Folders are left out of the results.
    public func ingestZIP<Body: AsyncSequence>(_ body: Body) async throws -> [ZIPImportResult]
    where Body.Element == ByteBuffer {
        let file: SpoolFile
        do {
            file = try await SpoolFile.spool(
                body, directory: configuration.temporaryDirectory, maximumSize: configuration.maximumZIPUploadSize)
        } catch SpoolError.tooLarge(let limit) {
            throw ZIPImportError(
                status: .contentTooLarge,
                reason: "the ZIP archive is larger than \(limit) bytes (maximumZIPUploadSize)")
        }
        let reader: ZIPReader
        do {
            reader = try await ZIPReader.open(file, limits: zipLimits)
        } catch let error as ZIPReadError {
            logger.notice("ZIP upload refused", metadata: ["reason": "\(error)", "size": "\(file.size)"])
            throw ZIPImportError(status: error.isTooLarge ? .contentTooLarge : .badRequest, reason: error.description)
        }
        var results: [ZIPImportResult] = []
        for entry in reader.entries where !entry.isDirectory {
            if let skipped = Self.skipReason(entry.name) {
                results.append(ZIPImportResult(name: entry.name, outcome: .skipped(skipped)))
                continue
            }
            let bytes: ByteBuffer
            do {
                bytes = try await reader.content(of: entry)
            } catch let error as ZIPEntryError {
                results.append(ZIPImportResult(name: entry.name, outcome: .refused(error.description)))
                continue
            }
            results.append(ZIPImportResult(name: entry.name, outcome: try await store(bytes)))
        }
        let stored = results.filter { if case .refused = $0.outcome { false } else { true } }.count
        logger.info(
            "ZIP upload", metadata: ["files": "\(results.count)", "accepted": "\(stored)", "size": "\(file.size)"])
        return results
    }

    /// The limits uploads are held to, from the configuration.
    var zipLimits: ZIPLimits {
        ZIPLimits(
            maximumEntries: configuration.maximumZIPEntries, maximumEntrySize: configuration.maximumInstanceSize,
            maximumTotalSize: configuration.maximumZIPInflatedSize)
    }

    private func store(_ bytes: ByteBuffer) async throws -> ZIPImportResult.Outcome {
        switch try await archive.store(part10: bytes) {
        case .stored(let instance): .stored(instance)
        case .duplicateKept(let instance): .duplicate(instance)
        case .overwritten(let instance): .overwritten(instance)
        case .refused(let refusal): .refused(refusal.description)
        }
    }

    /// Files that are in archives of DICOM media but are no instances.
    static func skipReason(_ name: String) -> String? {
        let base = name.split(separator: "/").last.map(String.init) ?? name
        if base.uppercased() == "DICOMDIR" { return "a DICOMDIR (the index of a DICOM medium), not an instance" }
        if name.hasPrefix("__MACOSX/") || base.hasPrefix("._") { return "macOS metadata" }
        if base == ".DS_Store" || base == "Thumbs.db" { return "folder metadata" }
        return nil
    }
}
