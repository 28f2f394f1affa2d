import DICOM

/// What ingest reads from a data set before anything is written: the four UIDs that place the
/// instance, the patient identity and the values of the catalog's attributes.
struct InstanceIdentity: Sendable, Hashable {
    var patient: PatientIdentity
    var studyInstanceUID: String
    var seriesInstanceUID: String
    var sopInstanceUID: String
    var sopClassUID: String
    var values: [Tag: String]
    var extraValues: [IndexedAttribute: String]

    /// The UIDs every instance must carry, in the order they are checked.
    static let requiredUIDs: [Tag] = [.sopClassUID, .sopInstanceUID, .studyInstanceUID, .seriesInstanceUID]

    /// Reads and checks a data set; a refusal says which attribute is missing or malformed.
    static func read(
        from dataSet: DataSet, transferSyntax: TransferSyntax, extraAttributes: [IndexedAttribute] = []
    ) -> Result<InstanceIdentity, StoreRefusal> {
        var uids: [Tag: String] = [:]
        for tag in requiredUIDs {
            guard let text = dataSet.string(tag), !text.isEmpty else { return .failure(.missingAttribute(tag)) }
            guard let uid = UID(text) else { return .failure(.invalidUID(tag, text)) }
            uids[tag] = uid.rawValue
        }
        let identity = PatientIdentity(
            patientID: dataSet.string(.patientID) ?? "", issuer: dataSet.string(.issuerOfPatientID) ?? "")
        var values: [Tag: String] = [:]
        for attribute in AttributeCatalog.all {
            if let value = value(of: attribute, in: dataSet) { values[attribute.tag] = value }
        }
        var extraValues: [IndexedAttribute: String] = [:]
        for attribute in extraAttributes {
            if let value = value(of: attribute, in: dataSet) { extraValues[attribute] = value }
        }
        values[.availableTransferSyntaxUID] = transferSyntax.uid.rawValue
        for (tag, uid) in uids { values[tag] = uid }
        return .success(
            InstanceIdentity(
                patient: identity, studyInstanceUID: uids[.studyInstanceUID] ?? "",
                seriesInstanceUID: uids[.seriesInstanceUID] ?? "", sopInstanceUID: uids[.sopInstanceUID] ?? "",
                sopClassUID: uids[.sopClassUID] ?? "", values: values, extraValues: extraValues))
    }

    /// The indexed text of one attribute: numbers as decimal integers, everything else as
    /// decoded text with several values joined by `\`; nil when empty.
    static func value(of attribute: IndexedAttribute, in dataSet: DataSet) -> String? {
        if attribute.kind == .integer { return dataSet.int(attribute.tag).map { String($0) } }
        let text = dataSet.strings(attribute.tag).joined(separator: "\\")
        return text.isEmpty ? nil : text
    }

    func registration(
        transferSyntax: TransferSyntax, blobKey: BlobKey, size: Int, metadata: InstanceMetadata,
        policy: DuplicatePolicy
    ) -> InstanceRegistration {
        InstanceRegistration(
            patient: patient, studyInstanceUID: studyInstanceUID, seriesInstanceUID: seriesInstanceUID,
            sopInstanceUID: sopInstanceUID, sopClassUID: sopClassUID, values: values,
            transferSyntaxUID: transferSyntax.uid.rawValue, blobKey: blobKey, size: size, metadata: metadata,
            policy: policy, extraValues: extraValues)
    }

    /// UID-addressed with a write nonce: `<Study UID>/<SOP Instance UID>.<16 hex>.dcm`. The
    /// study prefix keeps a study's files together; the nonce makes every write a new key,
    /// so a blob is never rewritten in place — a duplicate's or an overwrite's new copy
    /// sits beside the old until the index says which one to drop.
    func blobKey() -> BlobKey? {
        let nonce = String(UInt64.random(in: .min ... .max), radix: 16)
        let padded = String(repeating: "0", count: 16 - nonce.count) + nonce
        return BlobKey(studyInstanceUID + "/" + sopInstanceUID + "." + padded + ".dcm")
    }
}
