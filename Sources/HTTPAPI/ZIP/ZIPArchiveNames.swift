import Archive
import DICOM

/// Names files in a ZIP download the way Orthanc's `/archive` does, so that people find their
/// way in it: `Patient/Study/Series/CT000012.dcm`, with the patient's ID and name, the study's
/// date and description, the series' modality, number and description, and the instance
/// number. The values come from the index, one query per series; names are made safe for
/// every file system and unique within the archive.
struct ZIPArchiveNames: Sendable {
    private struct Series: Sendable {
        var folder: String
        var modality: String
        var instanceNumbers: [String: Int]
        var next = 1
    }

    let archive: Archive
    private var series: [String: Series] = [:]
    private var studyFolders: [String: String] = [:]
    private var usedFolders: Set<String> = []
    private var used: Set<String> = []

    init(archive: Archive) {
        self.archive = archive
    }

    /// The path of an instance's file in the archive.
    mutating func path(for instance: StoredInstance) async throws -> String {
        var entry: Series
        if let known = series[instance.seriesInstanceUID] {
            entry = known
        } else {
            entry = try await lookUp(instance)
        }
        var number = entry.instanceNumbers[instance.sopInstanceUID] ?? entry.next
        var path = entry.folder + "/" + Self.fileName(modality: entry.modality, number: number)
        // Two instances with one number (or none): the next free one.
        while used.contains(path) {
            number += 1
            path = entry.folder + "/" + Self.fileName(modality: entry.modality, number: number)
        }
        entry.next = max(entry.next, number + 1)
        used.insert(path)
        series[instance.seriesInstanceUID] = entry
        return path
    }

    static func fileName(modality: String, number: Int) -> String {
        let digits = String(number)
        return modality + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".dcm"
    }

    /// The folders of an instance's series, from one IMAGE-level query over the series that
    /// also returns the patient's and study's attributes.
    private mutating func lookUp(_ instance: StoredInstance) async throws -> Series {
        var identifier = DataSet()
        identifier.set(.queryRetrieveLevel, vr: .CS, string: QueryLevel.image.rawValue)
        identifier.set(.studyInstanceUID, vr: .UI, string: instance.studyInstanceUID)
        identifier.set(.seriesInstanceUID, vr: .UI, string: instance.seriesInstanceUID)
        for (tag, vr) in Self.returnKeys { identifier.set(tag, vr: vr, strings: []) }
        var first: DataSet?
        var numbers: [String: Int] = [:]
        for try await answer in archive.find(try archive.query(identifier: identifier, model: .studyRoot)) {
            if first == nil { first = answer }
            if let sop = answer.string(.sopInstanceUID), let number = answer.int(.instanceNumber) {
                numbers[sop] = number
            }
        }
        let values = first ?? DataSet()
        func text(_ tag: Tag) -> String { values.string(tag) ?? "" }
        let patient = Self.component([text(.patientID), Self.readableName(text(.patientName))], fallback: "Patient")
        let study = Self.component([text(.studyDate), text(.studyDescription)], fallback: "Study")
        let modality = Self.component([text(.modality)], fallback: "")
        let seriesNumber = values.int(.seriesNumber).map(String.init) ?? ""
        let seriesFolder = Self.component(
            [modality + seriesNumber, text(.seriesDescription)], fallback: "Series")
        let studyFolder: String
        if let known = studyFolders[instance.studyInstanceUID] {
            studyFolder = known
        } else {
            studyFolder = unique("\(patient)/\(study)")
            studyFolders[instance.studyInstanceUID] = studyFolder
        }
        let folder = unique("\(studyFolder)/\(seriesFolder)")
        return Series(folder: folder, modality: modality.isEmpty ? "IM" : modality, instanceNumbers: numbers)
    }

    /// The folder itself, or with " (2)", " (3)"… when another study or series took its name.
    private mutating func unique(_ folder: String) -> String {
        var candidate = folder
        var count = 1
        while !usedFolders.insert(candidate).inserted {
            count += 1
            candidate = "\(folder) (\(count))"
        }
        return candidate
    }

    private static let returnKeys: [(Tag, VR)] = [
        (.patientID, .LO), (.patientName, .PN), (.studyDate, .DA), (.studyDescription, .LO), (.modality, .CS),
        (.seriesNumber, .IS), (.seriesDescription, .LO), (.sopInstanceUID, .UI), (.instanceNumber, .IS),
    ]

    /// `DOE^JOHN` as `DOE JOHN`.
    static func readableName(_ name: String) -> String {
        name.split(separator: "=").first.map { String($0).replacingCaretsWithSpaces() } ?? ""
    }

    /// Values joined by a space, made safe as one path component: no separators, control
    /// characters or characters Windows refuses, no leading dots, at most 64 characters.
    static func component(_ values: [String], fallback: String) -> String {
        let joined = values.map { $0.trimmingSpaces() }.filter { !$0.isEmpty }.joined(separator: " ")
        var safe = String(
            joined.unicodeScalars.map { scalar -> Character in
                if scalar.value < 0x20 || scalar.value == 0x7F || "/\\:*?\"<>|".unicodeScalars.contains(scalar) {
                    return "_"
                }
                return Character(scalar)
            })
        while safe.hasPrefix(".") { safe.removeFirst() }
        safe = String(safe.prefix(64)).trimmingSpaces()
        return safe.isEmpty ? fallback : safe
    }
}

extension String {
    fileprivate func replacingCaretsWithSpaces() -> String {
        split(separator: "^", omittingEmptySubsequences: true).joined(separator: " ")
    }
}
