import Archive
import Hummingbird

/// `GET /system`: what this server is, in Orthanc's shape (its users' scripts read these keys)
/// plus Apus's own backend names.
struct SystemResponse: ResponseEncodable {
    var name: String
    var version: String
    var apiVersion: Int
    var dicomAet: String
    var dicomPort: Int
    var httpPort: Int
    var databaseBackend: String
    var storageBackend: String

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case version = "Version"
        case apiVersion = "ApiVersion"
        case dicomAet = "DicomAet"
        case dicomPort = "DicomPort"
        case httpPort = "HttpPort"
        case databaseBackend = "DatabaseBackend"
        case storageBackend = "StorageBackend"
    }
}

/// `GET /statistics`: totals over the index, in Orthanc's shape.
struct StatisticsResponse: ResponseEncodable {
    var countPatients: Int
    var countStudies: Int
    var countSeries: Int
    var countInstances: Int
    var totalDiskSize: String
    var totalDiskSizeMB: Int
    var totalUncompressedSize: String
    var totalUncompressedSizeMB: Int

    enum CodingKeys: String, CodingKey {
        case countPatients = "CountPatients"
        case countStudies = "CountStudies"
        case countSeries = "CountSeries"
        case countInstances = "CountInstances"
        case totalDiskSize = "TotalDiskSize"
        case totalDiskSizeMB = "TotalDiskSizeMB"
        case totalUncompressedSize = "TotalUncompressedSize"
        case totalUncompressedSizeMB = "TotalUncompressedSizeMB"
    }
}

extension HTTPAPI {
    func addSystemRoutes(to router: Router<Context>) {
        router.get("system") { _, _ in
            SystemResponse(
                name: configuration.system.name, version: configuration.system.version, apiVersion: 1,
                dicomAet: configuration.system.aeTitle, dicomPort: configuration.system.dicomPort,
                httpPort: configuration.port, databaseBackend: configuration.system.databaseBackend,
                storageBackend: configuration.system.storageBackend)
        }
        router.get("statistics") { _, _ in
            let totals = try await archive.index.statistics()
            // Orthanc reports sizes as strings (they overflow JavaScript's integers) and in MB.
            return StatisticsResponse(
                countPatients: totals.patients, countStudies: totals.studies, countSeries: totals.series,
                countInstances: totals.instances, totalDiskSize: String(totals.size),
                totalDiskSizeMB: totals.size >> 20, totalUncompressedSize: String(totals.size),
                totalUncompressedSizeMB: totals.size >> 20)
        }
    }
}
