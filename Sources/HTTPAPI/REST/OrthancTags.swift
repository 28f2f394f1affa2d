import DICOM

/// Tags in Orthanc's JSON forms, from a data set (the instance metadata the index keeps): the
/// main DICOM tags of each level, the full form of `/tags` and the simplified one.
enum OrthancTags {
    /// Orthanc 1.10's main DICOM tags of each level (its `DicomMap.cpp`), by keyword.
    static func mainTags(_ level: RESTLevel) -> [Tag] {
        let keywords: [String]
        switch level {
        case .patients:
            keywords = ["PatientName", "PatientBirthDate", "PatientSex", "OtherPatientIDs", "PatientID"]
        case .studies:
            keywords = [
                "StudyDate", "StudyTime", "StudyID", "StudyDescription", "AccessionNumber", "StudyInstanceUID",
                "RequestedProcedureDescription", "InstitutionName", "RequestingPhysician", "ReferringPhysicianName",
            ]
        case .series:
            keywords = [
                "Manufacturer", "Modality", "SeriesDate", "SeriesDescription", "SeriesInstanceUID", "SeriesNumber",
                "SeriesTime", "BodyPartExamined", "SequenceName", "ProtocolName", "StationName",
                "CardiacNumberOfImages", "ImagesInAcquisition", "NumberOfTemporalPositions", "NumberOfSlices",
                "NumberOfTimeSlices", "ImageOrientationPatient", "SeriesType", "OperatorsName",
                "PerformedProcedureStepDescription", "AcquisitionDeviceProcessingDescription", "ContrastBolusAgent",
            ]
        case .instances:
            keywords = [
                "InstanceCreationDate", "InstanceCreationTime", "AcquisitionNumber", "ImageIndex", "InstanceNumber",
                "NumberOfFrames", "TemporalPositionIdentifier", "SOPInstanceUID", "ImagePositionPatient",
                "ImageComments", "ImageOrientationPatient",
            ]
        }
        return keywords.compactMap { DataDictionary.entry(forKeyword: $0)?.tag }
    }

    /// The main tags of `level` that the data set holds, by keyword, each as text (several
    /// values joined by `\`, empty when the element is).
    static func mainDicomTags(_ level: RESTLevel, from dataSet: DataSet?) -> RESTJSON {
        var members: [String: RESTJSON] = [:]
        guard let dataSet else { return .object(members) }
        for tag in mainTags(level) where dataSet.contains(tag) {
            guard let keyword = DataDictionary.entry(for: tag)?.keyword else { continue }
            members[keyword] = .string(dataSet.strings(tag).joined(separator: "\\"))
        }
        return .object(members)
    }

    /// Orthanc keeps text values up to this length in `/tags`; longer ones are `TooLong`.
    static let maximumStringLength = 256

    /// The name Orthanc gives an unknown private element.
    static let unknownName = "Unknown Tag & Data"

    /// `/tags`: `{"0010,0010": {"Name": "PatientName", "Type": "String", "Value": "DOE^JOHN"}}`,
    /// sequences as arrays of such objects, binary values as `Null`.
    static func full(_ dataSet: DataSet) -> RESTJSON {
        var members: [String: RESTJSON] = [:]
        for element in dataSet where element.tag.group != 0x0002 {
            var entry: [String: RESTJSON] = ["Name": .string(name(of: element.tag, in: dataSet))]
            if let creator = dataSet.privateCreator(of: element.tag) {
                entry["PrivateCreator"] = .string(creator)
            }
            switch value(of: element, in: dataSet) {
            case .sequence(let items):
                entry["Type"] = .string("Sequence")
                entry["Value"] = .array(items.map(full))
            case .text(let text):
                entry["Type"] = .string("String")
                entry["Value"] = .string(text)
            case .tooLong:
                entry["Type"] = .string("TooLong")
                entry["Value"] = .null
            case .null:
                entry["Type"] = .string("Null")
                entry["Value"] = .null
            }
            members[key(element.tag)] = .object(entry)
        }
        return .object(members)
    }

    /// `/simplified-tags`: `{"PatientName": "DOE^JOHN"}`, sequences as arrays of such
    /// objects, binary and over-long values as null.
    static func simplified(_ dataSet: DataSet) -> RESTJSON {
        var members: [String: RESTJSON] = [:]
        for element in dataSet where element.tag.group != 0x0002 {
            let json: RESTJSON
            switch value(of: element, in: dataSet) {
            case .sequence(let items): json = .array(items.map(simplified))
            case .text(let text): json = .string(text)
            case .tooLong, .null: json = .null
            }
            members[name(of: element.tag, in: dataSet)] = json
        }
        return .object(members)
    }

    /// `gggg,eeee` in lower-case hex, Orthanc's form.
    static func key(_ tag: Tag) -> String {
        let hex = tag.hexString.lowercased()
        return String(hex.prefix(4)) + "," + String(hex.suffix(4))
    }

    private enum Value {
        case sequence([DataSet])
        case text(String)
        case tooLong
        case null
    }

    private static func value(of element: DataElement, in dataSet: DataSet) -> Value {
        if element.vr == .SQ { return .sequence(element.items ?? []) }
        switch element.vr {
        case .OB, .OW, .OD, .OF, .OL, .OV, .UN: return .null
        default: break
        }
        guard element.bytes != nil else { return .null }
        let text = dataSet.strings(element.tag).joined(separator: "\\")
        return text.count > maximumStringLength ? .tooLong : .text(text)
    }

    private static func name(of tag: Tag, in dataSet: DataSet) -> String {
        if tag.isPrivate { return tag.isPrivateCreator ? "PrivateCreator" : unknownName }
        return DataDictionary.entry(for: tag)?.keyword ?? unknownName
    }
}
