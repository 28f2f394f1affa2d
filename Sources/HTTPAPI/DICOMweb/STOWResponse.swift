import DICOM
import Hummingbird

/// The Store Instances Response Module (PS3.18 Annex I) of one STOW-RS request, filled in
/// part by part, and the HTTP status it calls for (PS3.18 Table 10.5.3-1).
struct StoreInstancesResponse: Sendable {
    struct Referenced: Sendable, Hashable {
        var sopClassUID: String
        var sopInstanceUID: String
        var studyInstanceUID: String
        var seriesInstanceUID: String
        var warning: StoreWarningReason?
    }

    struct Failed: Sendable, Hashable {
        /// Nil when the part was not readable enough to say.
        var sopClassUID: String?
        var sopInstanceUID: String?
        var reason: StoreFailureReason
        /// For people: the Warning header and the log.
        var detail: String
    }

    var referenced: [Referenced] = []
    var failed: [Failed] = []

    var isEmpty: Bool { referenced.isEmpty && failed.isEmpty }

    /// 200 when every instance was stored without warning, 202 when some were stored and
    /// others failed or had warnings, 409 when none was stored.
    var status: HTTPResponse.Status {
        if referenced.isEmpty { return .conflict }
        if failed.isEmpty, referenced.allSatisfy({ $0.warning == nil }) { return .ok }
        return .accepted
    }

    /// The module as a data set. Retrieve URL (0008,1190) is the study's when the request
    /// named one or all stored instances are of one study, empty otherwise (it is type 2).
    func dataSet(baseURL: String, targetStudy: String?) -> DataSet {
        var dataSet = DataSet()
        let studies = Set(referenced.map(\.studyInstanceUID))
        if let study = targetStudy ?? (studies.count == 1 ? studies.first : nil) {
            dataSet.set(.retrieveURL, vr: .UR, string: "\(baseURL)/studies/\(study)")
        } else {
            dataSet.set(.retrieveURL, vr: .UR, strings: [])
        }
        if !failed.isEmpty {
            dataSet.set(
                .failedSOPSequence,
                items: failed.map { failure in
                    var item = DataSet()
                    item.set(.referencedSOPClassUID, vr: .UI, string: failure.sopClassUID ?? "")
                    item.set(.referencedSOPInstanceUID, vr: .UI, string: failure.sopInstanceUID ?? "")
                    item.set(.failureReason, vr: .US, integers: [Int(failure.reason.code)])
                    return item
                })
        }
        if !referenced.isEmpty {
            dataSet.set(
                .referencedSOPSequence,
                items: referenced.map { instance in
                    var item = DataSet()
                    item.set(.referencedSOPClassUID, vr: .UI, string: instance.sopClassUID)
                    item.set(.referencedSOPInstanceUID, vr: .UI, string: instance.sopInstanceUID)
                    item.set(
                        .retrieveURL, vr: .UR,
                        string: "\(baseURL)/studies/\(instance.studyInstanceUID)/series/\(instance.seriesInstanceUID)"
                            + "/instances/\(instance.sopInstanceUID)")
                    if let warning = instance.warning {
                        item.set(.warningReason, vr: .US, integers: [Int(warning.code)])
                    }
                    return item
                })
        }
        return dataSet
    }

    /// One `Warning` header value (RFC 9111 §5.5, as PS3.18 §8.3.5.1 uses it) per failure, so
    /// that the reason can be read without decoding the body; the first 20.
    var warningHeaders: [String] {
        failed.prefix(20).map { failure in
            let code = String(failure.reason.code, radix: 16, uppercase: true)
            let text = "\(failure.sopInstanceUID ?? "part"): failure 0x\(code): \(failure.detail)"
            return "299 apus \"\(Self.headerSafe(text))\""
        }
    }

    static func headerSafe(_ text: String) -> String {
        String(
            text.prefix(300).map { character -> Character in
                character.isASCII && character != "\"" && character != "\\" && !character.isNewline ? character : "?"
            })
    }
}
