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

    /// Reads and checks a data set; a refusal says which attribute is missing or malformed,
    /// the UIDs checked in the order SOP Class, SOP Instance, Study, Series.
    static func read(
        from dataSet: DataSet, transferSyntax: TransferSyntax, extraAttributes: [IndexedAttribute] = []
    ) -> Result<InstanceIdentity, StoreRefusal> {
        // Worked out once for the forty-odd reads below, not once per read.
        let characterSet = dataSet.characterSet
        func requiredUID(_ tag: Tag) throws(StoreRefusal) -> String {
            guard let text = dataSet.strings(tag, characterSet: characterSet).first, !text.isEmpty else {
                throw .missingAttribute(tag)
            }
            guard let uid = UID(text) else { throw .invalidUID(tag, text) }
            return uid.rawValue
        }
        let sopClassUID: String
        let sopInstanceUID: String
        let studyInstanceUID: String
        let seriesInstanceUID: String
        do throws(StoreRefusal) {
            sopClassUID = try requiredUID(.sopClassUID)
            sopInstanceUID = try requiredUID(.sopInstanceUID)
            studyInstanceUID = try requiredUID(.studyInstanceUID)
            seriesInstanceUID = try requiredUID(.seriesInstanceUID)
        } catch {
            return .failure(error)
        }
        let identity = PatientIdentity(
            patientID: dataSet.strings(.patientID, characterSet: characterSet).first ?? "",
            issuer: dataSet.strings(.issuerOfPatientID, characterSet: characterSet).first ?? "")
        var values: [Tag: String] = [:]
        values.reserveCapacity(AttributeCatalog.all.count + 1)
        for attribute in AttributeCatalog.all {
            if let value = value(of: attribute, in: dataSet, characterSet: characterSet) {
                values[attribute.tag] = value
            }
        }
        var extraValues: [IndexedAttribute: String] = [:]
        for attribute in extraAttributes {
            if let value = value(of: attribute, in: dataSet, characterSet: characterSet) {
                extraValues[attribute] = value
            }
        }
        values[.availableTransferSyntaxUID] = transferSyntax.uid.rawValue
        values[.sopClassUID] = sopClassUID
        values[.sopInstanceUID] = sopInstanceUID
        values[.studyInstanceUID] = studyInstanceUID
        values[.seriesInstanceUID] = seriesInstanceUID
        return .success(
            InstanceIdentity(
                patient: identity, studyInstanceUID: studyInstanceUID, seriesInstanceUID: seriesInstanceUID,
                sopInstanceUID: sopInstanceUID, sopClassUID: sopClassUID, values: values, extraValues: extraValues))
    }

    /// The indexed text of one attribute: numbers as decimal integers, everything else as
    /// decoded text with several values joined by `\`; nil when empty.
    static func value(of attribute: IndexedAttribute, in dataSet: DataSet) -> String? {
        value(of: attribute, in: dataSet, characterSet: dataSet.characterSet)
    }

    private static func value(
        of attribute: IndexedAttribute, in dataSet: DataSet, characterSet: SpecificCharacterSet
    ) -> String? {
        if attribute.kind == .integer {
            guard let element = dataSet[attribute.tag] else { return nil }
            let number =
                element.vr == .IS
                ? element.strings(characterSet: characterSet).lazy.compactMap(IntegerString.parse).first
                : element.binaryIntegers().first
            return number.map { String($0) }
        }
        let values = dataSet.strings(attribute.tag, characterSet: characterSet)
        let text = values.count == 1 ? values[0] : values.joined(separator: "\\")
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
