public import Archive
import DICOM
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension HTTPAPI {
    /// A ZIP archive of stored instances as a streamed response: each file written as its
    /// bytes come from the blob store (`ZIPWriter`), named as Orthanc's `/archive` names them
    /// (`Patient/Study/Series/CT000012.dcm`, `ZIPArchiveNames`). Memory holds one chunk and
    /// the central directory (about 100 bytes a file), whatever the archive's size.
    ///
    /// `filename` is what browsers save it as (`Content-Disposition`). An error after the
    /// response started (a blob gone missing) ends the connection without the archive's
    /// end, which every ZIP reader reports as a broken archive rather than a short one.
    public func zipArchiveResponse<Instances: AsyncSequence & Sendable>(
        instances: Instances, filename: String
    ) -> Response where Instances.Element == StoredInstance {
        let archive = self.archive
        let logger = self.logger
        let body = ResponseBody { writer in
            var zip = ZIPWriter(modified: DOSTimestamp(secondsSince1970: time(nil)))
            var names = ZIPArchiveNames(archive: archive)
            do {
                for try await instance in archive.prefetching(instances) {
                    let path = try await names.path(for: instance)
                    try await writer.write(try zip.startEntry(name: path, expectedSize: instance.size))
                    for try await chunk in try await archive.content(of: instance) {
                        try zip.append(chunk)
                        try await writer.write(chunk)
                    }
                    try await writer.write(try zip.finishEntry())
                }
                try await writer.write(try zip.finish())
            } catch {
                logger.error(
                    "ZIP download cut short", metadata: ["error": "\(error)", "written": "\(zip.offset)"])
                throw error
            }
            try await writer.finish(nil)
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/zip"
        headers[.contentDisposition] = "attachment; filename=\"\(Self.headerSafeFilename(filename))\""
        return Response(status: .ok, headers: headers, body: body)
    }

    /// A file name inside a quoted header parameter: ASCII letters, digits and `.-_ ` only.
    static func headerSafeFilename(_ name: String) -> String {
        let safe = String(
            name.map { character -> Character in
                character.isASCII && (character.isLetter || character.isNumber || ".-_ ".contains(character))
                    ? character : "_"
            })
        return safe.isEmpty ? "archive.zip" : safe
    }
}
