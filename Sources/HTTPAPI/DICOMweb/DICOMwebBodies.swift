import Archive
import DICOM
import Hummingbird
import NIOCore

/// Response bodies that encode data sets as a sequence produces them, so that memory holds
/// one data set at a time whatever the number of answers.
enum DICOMwebBodies {
    /// A JSON array of DICOM JSON objects.
    static func jsonArray<DataSets: AsyncSequence & Sendable>(_ dataSets: DataSets) -> ResponseBody
    where DataSets.Element == DataSet {
        ResponseBody { writer in
            let encoder = DICOMJSONEncoder()
            var separator = "["
            for try await dataSet in dataSets {
                var buffer = ByteBuffer(string: separator)
                buffer.writeImmutableBuffer(encoder.encode(dataSet))
                try await writer.write(buffer)
                separator = ","
            }
            try await writer.write(ByteBuffer(string: separator == "[" ? "[]" : "]"))
            try await writer.finish(nil)
        }
    }

    /// One `application/dicom+xml` part per data set.
    static func xmlParts<DataSets: AsyncSequence & Sendable>(
        _ dataSets: DataSets, _ multipart: MultipartWriter
    ) -> ResponseBody where DataSets.Element == DataSet {
        ResponseBody { writer in
            let encoder = DICOMXMLEncoder()
            for try await dataSet in dataSets {
                try await writer.write(multipart.part(encoder.encode(dataSet), contentType: "application/dicom+xml"))
            }
            try await writer.write(multipart.closing)
            try await writer.finish(nil)
        }
    }
}

extension DICOMwebBodies {
    /// A JSON array of objects already encoded (metadata from the index).
    static func jsonObjects<Objects: AsyncSequence & Sendable>(_ objects: Objects) -> ResponseBody
    where Objects.Element == ByteBuffer {
        ResponseBody { writer in
            // Objects are small (a few KiB): gathered into writes of about 64 KiB, since each
            // write costs a trip through the channel.
            var pending = ByteBuffer(string: "[")
            var first = true
            for try await object in objects {
                if !first { pending.writeStaticString(",") }
                first = false
                pending.writeImmutableBuffer(object)
                if pending.readableBytes >= 65_536 {
                    try await writer.write(pending)
                    pending = ByteBuffer()
                }
            }
            pending.writeStaticString("]")
            try await writer.write(pending)
            try await writer.finish(nil)
        }
    }

    /// Metadata as DICOM XML, one part per instance. The index's JSON is read back into a
    /// data set whose bulk values are one-byte placeholders, so that the XML encoder names each
    /// of them by its path under the instance's `bulk` resource; small binary values the JSON
    /// inlined become bulk data references too, which resolve the same way.
    static func xmlMetadata<Objects: AsyncSequence & Sendable>(
        _ objects: Objects, urls: DICOMwebURLs, _ multipart: MultipartWriter
    ) -> ResponseBody where Objects.Element == ByteBuffer {
        ResponseBody { writer in
            let decoder = DICOMJSONDecoder(bulkData: { _ in ByteBuffer(bytes: [0]) })
            for try await object in objects {
                let dataSet = try decoder.decode(object)
                let uids = TopLevelUIDs.read(object)
                var prefix: String?
                if let study = uids.study, let series = uids.series, let instance = uids.instance {
                    prefix = urls.bulkPrefix(study, series, instance)
                }
                let encoder = DICOMXMLEncoder(
                    bulkDataThreshold: 0,
                    bulkDataURI: { [prefix] reference in
                        guard let prefix else { return nil }
                        let path = InstanceMetadata.bulkDataURI(for: reference)
                        return prefix + path.dropFirst(InstanceMetadata.bulkDataScheme.count)
                    })
                try await writer.write(multipart.part(encoder.encode(dataSet), contentType: "application/dicom+xml"))
            }
            try await writer.write(multipart.closing)
            try await writer.finish(nil)
        }
    }
}
