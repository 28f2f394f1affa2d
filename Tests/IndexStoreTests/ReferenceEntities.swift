import DICOM

/// The generated data seen as the entities of one query level, in the order they were
/// first stored, with the values a query at that level can match and return.
struct ReferenceEntity {
    var values: [Tag: String]
    var modalities: [String] = []
    var seriesCount = 0
    var instanceCount = 0
    var studyCount = 0

    /// What identifies the entity in a response.
    var identity: String {
        values[.sopInstanceUID] ?? values[.seriesInstanceUID] ?? values[.studyInstanceUID]
            ?? "\(values[.patientID] ?? "")|\(values[.issuerOfPatientID] ?? "")"
    }
}

extension GeneratedStudies {
    func entities(at level: String) -> [ReferenceEntity] {
        switch level {
        case "PATIENT": return patients.indices.map(patientEntity)
        case "STUDY": return studies.indices.map(studyEntity)
        case "SERIES": return series.indices.map(seriesEntity)
        default: return instances.indices.map(instanceEntity)
        }
    }

    func patientEntity(_ index: Int) -> ReferenceEntity {
        let patient = patients[index]
        let studyIndices = studies.indices.filter { studies[$0].patient == index }
        let seriesIndices = series.indices.filter { studyIndices.contains(series[$0].study) }
        var entity = ReferenceEntity(values: [
            .patientName: patient.name, .patientID: patient.id, .issuerOfPatientID: patient.issuer,
            .patientBirthDate: patient.birthDate, .patientSex: patient.sex,
        ])
        entity.studyCount = studyIndices.count
        entity.seriesCount = seriesIndices.count
        entity.instanceCount = instances.filter { seriesIndices.contains($0.series) }.count
        return entity
    }

    func studyEntity(_ index: Int) -> ReferenceEntity {
        let study = studies[index]
        var entity = patientEntity(study.patient)
        entity.values.merge([
            .studyInstanceUID: study.uid, .studyDate: study.date, .studyTime: study.time,
            .accessionNumber: study.accession, .studyID: study.studyID, .referringPhysicianName: study.referring,
            .studyDescription: study.description,
        ]) { $1 }
        let seriesIndices = series.indices.filter { series[$0].study == index }
        entity.seriesCount = seriesIndices.count
        entity.instanceCount = instances.filter { seriesIndices.contains($0.series) }.count
        entity.modalities = Array(Set(seriesIndices.map { series[$0].modality })).sorted()
        return entity
    }

    func seriesEntity(_ index: Int) -> ReferenceEntity {
        let series = series[index]
        var entity = studyEntity(series.study)
        entity.values.merge([
            .seriesInstanceUID: series.uid, .modality: series.modality, .seriesNumber: String(series.number),
            .seriesDescription: series.description, .seriesDate: series.date, .seriesTime: series.time,
        ]) { $1 }
        entity.instanceCount = instances.filter { $0.series == index }.count
        return entity
    }

    func instanceEntity(_ index: Int) -> ReferenceEntity {
        let instance = instances[index]
        var entity = seriesEntity(instance.series)
        entity.values.merge([
            .sopInstanceUID: instance.uid, .sopClassUID: instance.sopClass, .instanceNumber: String(instance.number),
            .contentDate: instance.contentDate, .contentTime: instance.contentTime,
            .acquisitionDateTime: instance.acquisitionDateTime,
        ]) { $1 }
        if series[instance.series].modality != "SR" { entity.values[.rows] = String(instance.rows) }
        return entity
    }
}
