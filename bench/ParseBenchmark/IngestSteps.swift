import DICOM
import NIOCore

/// The DICOM side of ingesting one instance received by C-STORE, step by step as
/// `Archive.store(dataSet:transferSyntax:)` takes them: the data set from the bare bytes, the
/// file meta information put before them, the text of the indexed attributes, and the
/// metadata kept in the index (DICOM JSON with bulk data as URIs, then deflated). What the
/// index and the blob store do is not here: that is DIMSEBenchmark's.
enum IngestSteps {
    struct Step: Sendable {
        let name: String
        let run: @Sendable (DataSet, ByteBuffer) throws -> Int
    }

    /// Archive.Configuration's default threshold.
    static let bulkDataThreshold = 1024

    static let steps: [Step] = [
        Step(name: "data set from C-STORE bytes") { _, bytes in
            try DataSet(decoding: bytes, transferSyntax: .explicitVRLittleEndian).count
        },
        Step(name: "Part 10 header") { dataSet, _ in
            try DICOMFile.part10Header(
                sopClassUID: dataSet.string(.sopClassUID) ?? "", sopInstanceUID: dataSet.string(.sopInstanceUID) ?? "",
                transferSyntax: .explicitVRLittleEndian, sourceAETitle: "BENCH"
            ).readableBytes
        },
        Step(name: "text of every string element") { dataSet, _ in
            dataSet.reduce(0) { total, element in
                element.vr.isString ? total + dataSet.strings(element.tag).count : total
            }
        },
        Step(name: "same, character set found once") { dataSet, _ in
            // As InstanceIdentity reads the indexed attributes.
            let characterSet = dataSet.characterSet
            return dataSet.reduce(0) { total, element in
                element.vr.isString ? total + dataSet.strings(element.tag, characterSet: characterSet).count : total
            }
        },
        Step(name: "DICOM JSON metadata") { dataSet, _ in metadata(dataSet).readableBytes },
        Step(name: "DICOM JSON metadata, deflated (level 6)") { dataSet, _ in
            Deflate.deflate(metadata(dataSet))?.readableBytes ?? 0
        },
        // As InstanceMetadata deflates it.
        Step(name: "DICOM JSON metadata, deflated (level 1)") { dataSet, _ in
            Deflate.deflate(metadata(dataSet), level: 1)?.readableBytes ?? 0
        },
    ]

    static func metadata(_ dataSet: DataSet) -> ByteBuffer {
        DICOMJSONEncoder(bulkDataThreshold: bulkDataThreshold, bulkDataURI: { "apus-bulk:" + $0.tag.hexString })
            .encode(dataSet)
    }

    /// Each step over every file of the workload, best of `passes`; microseconds per instance.
    static func measure(_ workload: Workload, passes: Int) throws -> [(name: String, micros: Double)] {
        var inputs: [(DataSet, ByteBuffer)] = []
        for buffer in workload.buffers {
            let dataSet = try DICOMFile(reading: buffer).dataSet
            inputs.append((dataSet, try dataSet.encoded(in: .explicitVRLittleEndian)))
        }
        let clock = ContinuousClock()
        return try steps.map { step in
            var best = Double.infinity
            for _ in 0..<passes {
                let start = clock.now
                for (dataSet, bytes) in inputs { sink &+= try step.run(dataSet, bytes) }
                let elapsed = clock.now - start
                best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            }
            return (step.name, best * 1e6 / Double(max(inputs.count, 1)))
        }
    }
}
