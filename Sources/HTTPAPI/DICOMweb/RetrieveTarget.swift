import Archive
import DICOM

/// What a WADO-RS path names: a study, a series in it, or an instance in that series. Each
/// UID given must hold: an instance asked for under another study or series is not found.
struct RetrieveTarget: Sendable, Hashable {
    var study: String
    var series: String?
    var instance: String?

    init(study: String, series: String? = nil, instance: String? = nil) throws(RetrieveTargetError) {
        for uid in [study, series, instance].compactMap({ $0 }) where !RetrieveTarget.isUID(uid) {
            throw RetrieveTargetError(uid: uid)
        }
        self.study = study
        self.series = series
        self.instance = instance
    }

    /// PS3.5 §9.1: digits and dots, at most 64 characters.
    static func isUID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64 && text.allSatisfy { $0 == "." || ($0.isASCII && $0.isNumber) }
    }

    var level: QueryLevel { instance != nil ? .image : series != nil ? .series : .study }

    /// The archive query selecting the target, by its UIDs.
    func query(in archive: Archive) throws -> ArchiveQuery {
        var identifier = DataSet()
        identifier.set(.queryRetrieveLevel, vr: .CS, string: level.rawValue)
        identifier.set(.studyInstanceUID, vr: .UI, string: study)
        if let series { identifier.set(.seriesInstanceUID, vr: .UI, string: series) }
        if let instance { identifier.set(.sopInstanceUID, vr: .UI, string: instance) }
        return try archive.query(identifier: identifier, model: .studyRoot)
    }

    /// How a 404 names it.
    var description: String {
        if let instance { return "instance \(instance) in series \(series ?? "") of study \(study)" }
        if let series { return "series \(series) in study \(study)" }
        return "study \(study)"
    }
}

struct RetrieveTargetError: Error, CustomStringConvertible {
    let uid: String

    var description: String { "'\(uid)' is not a UID (digits and dots, at most 64 characters)" }
}
