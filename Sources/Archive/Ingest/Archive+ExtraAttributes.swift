import DICOM
import Logging

extension Archive {
    /// Fills the configured extra attributes of the entities stored before they were named,
    /// from the metadata the index keeps (no blob is opened), and forgets the values of
    /// attributes no longer configured. `apus serve` runs it at start, before it accepts
    /// associations; it is idempotent and safe to run from several replicas at once. Returns
    /// how many values it wrote.
    @discardableResult
    public func fillExtraAttributes(pageSize: Int = 500) async throws -> Int {
        let pending = try await index.prepareExtraAttributes(configuration.extraAttributes)
        var written = 0
        for attribute in pending {
            var after = 0
            var filled = 0
            while true {
                let sources = try await index.extraAttributeSources(attribute, after: after, limit: pageSize)
                var values: [Int: String] = [:]
                for source in sources {
                    guard let json = source.metadata.json(), let dataSet = try? DICOMJSONDecoder().decode(json) else {
                        logger.warning(
                            "unreadable metadata: extra attribute left empty",
                            metadata: ["attribute": "\(attribute.keyword)", "entity": "\(source.entity)"])
                        continue
                    }
                    if let value = InstanceIdentity.value(of: attribute, in: dataSet) { values[source.entity] = value }
                }
                let complete = sources.count < pageSize
                try await index.fillExtraAttribute(attribute, values: values, complete: complete)
                filled += values.count
                if complete { break }
                after = sources.last?.entity ?? after
            }
            written += filled
            logger.notice(
                "extra indexed attribute filled from stored metadata",
                metadata: [
                    "attribute": "\(attribute.keyword)", "level": "\(attribute.level.rawValue)", "values": "\(filled)",
                ])
        }
        return written
    }
}
