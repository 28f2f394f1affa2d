import DICOM
import NIOCore

/// A small archive's worth of instances, built from plain values so that tests can compute
/// what a query must return without asking the index: four patients (two sharing a
/// Patient ID under different issuers, one with a non-ASCII name, one with `[` in its ID),
/// two studies each, one to three series per study, two or three instances per series.
struct GeneratedStudies {
    struct Patient {
        var id: String
        var issuer: String
        var name: String
        var birthDate: String
        var sex: String
    }

    struct Study {
        var patient: Int
        var uid: String
        var date: String
        var time: String
        var accession: String
        var studyID: String
        var referring: String
        var description: String
    }

    struct Series {
        var study: Int
        var uid: String
        var modality: String
        var number: Int
        var description: String
        var date: String
        var time: String
    }

    struct Instance {
        var series: Int
        var uid: String
        var sopClass: String
        var number: Int
        var contentDate: String
        var contentTime: String
        var acquisitionDateTime: String
        var rows: Int
    }

    var patients: [Patient] = []
    var studies: [Study] = []
    var series: [Series] = []
    var instances: [Instance] = []

    static let sopClasses = [
        "CT": "1.2.840.10008.5.1.4.1.1.2", "MR": "1.2.840.10008.5.1.4.1.1.4", "SR": "1.2.840.10008.5.1.4.1.1.88.22",
    ]

    init() {
        patients = [
            Patient(id: "PID-001", issuer: "SITE-A", name: "Smith^John", birthDate: "19700101", sex: "M"),
            Patient(id: "PID-001", issuer: "SITE-B", name: "SMITH^Jane", birthDate: "19800202", sex: "F"),
            Patient(id: "PID-002", issuer: "", name: "Müller^Hans", birthDate: "19651231", sex: "M"),
            Patient(id: "PID-[3]", issuer: "SITE-A", name: "O'Brien^Mary", birthDate: "20000101", sex: "F"),
        ]
        let dates = ["20200115", "20200301", "20201231", "20210610", "20190704", "20220101", "20200229", "20230915"]
        let times = ["083000", "143015.5", "120000", "235959", "000001", "101500", "1130", "16"]
        let descriptions = ["CT Chest", "MR Brain", "CT Abdomen", "Report", "MR Knee", "CT Head", "Chest X", "Mixed"]
        let referring = ["Doe^Ann", "DOE^Bob", "Roe^Cy", "doe^dee", "Poe^Ed", "Doe^Ann", "Fox^Gil", "Roe^Cy"]
        let modalities = [
            ["CT"], ["MR", "MR"], ["CT", "SR"], ["SR"], ["MR"], ["CT", "CT", "SR"], ["CT"], ["MR", "CT", "SR"],
        ]
        let offsets = ["", "+0100", "-0500", "+0000"]
        for studyIndex in 0..<8 {
            let studyUID = "1.2.826.0.1.3680043.10.1137.\(studyIndex + 1)"
            studies.append(
                Study(
                    patient: studyIndex / 2, uid: studyUID, date: dates[studyIndex], time: times[studyIndex],
                    accession: "ACC-00\(studyIndex + 1)", studyID: "S\(studyIndex + 1)",
                    referring: referring[studyIndex], description: descriptions[studyIndex]))
            for (seriesOffset, modality) in modalities[studyIndex].enumerated() {
                let seriesIndex = series.count
                let seriesUID = studyUID + ".\(seriesOffset + 1)"
                series.append(
                    Series(
                        study: studyIndex, uid: seriesUID, modality: modality, number: seriesOffset + 1,
                        description: seriesOffset % 2 == 0 ? "axial \(modality)" : "Sagittal",
                        date: dates[(studyIndex + seriesOffset) % 8], time: times[(studyIndex + seriesOffset + 3) % 8]))
                for instanceOffset in 0..<(2 + (seriesIndex % 2)) {
                    let hour = 8 + (seriesIndex + instanceOffset) % 12
                    instances.append(
                        Instance(
                            series: seriesIndex, uid: seriesUID + ".\(instanceOffset + 1)",
                            sopClass: Self.sopClasses[modality] ?? "", number: instanceOffset + 1,
                            contentDate: dates[(seriesIndex + instanceOffset) % 8],
                            contentTime: times[(seriesIndex + 2 * instanceOffset) % 8],
                            acquisitionDateTime: "2020061\(instanceOffset)\(hour < 10 ? "0" : "")\(hour)3000"
                                + offsets[seriesIndex % 4],
                            rows: 8 * (1 + instanceOffset)))
                }
            }
        }
    }

    /// The instance's data set, with the attributes of all levels above it.
    func dataSet(_ index: Int) -> DataSet {
        let instance = instances[index]
        let series = series[instance.series]
        let study = studies[series.study]
        let patient = patients[study.patient]
        var dataSet = DataSet()
        dataSet.set(.specificCharacterSet, vr: .CS, string: "ISO_IR 192")
        dataSet.set(.sopClassUID, string: instance.sopClass)
        dataSet.set(.sopInstanceUID, string: instance.uid)
        dataSet.set(.studyDate, string: study.date)
        dataSet.set(.seriesDate, string: series.date)
        dataSet.set(.contentDate, string: instance.contentDate)
        dataSet.set(.acquisitionDateTime, string: instance.acquisitionDateTime)
        dataSet.set(.studyTime, string: study.time)
        dataSet.set(.seriesTime, string: series.time)
        dataSet.set(.contentTime, string: instance.contentTime)
        dataSet.set(.accessionNumber, string: study.accession)
        dataSet.set(.modality, string: series.modality)
        dataSet.set(.referringPhysicianName, string: study.referring)
        dataSet.set(.studyDescription, string: study.description)
        dataSet.set(.seriesDescription, string: series.description)
        dataSet.set(.patientName, string: patient.name)
        dataSet.set(.patientID, string: patient.id)
        if !patient.issuer.isEmpty { dataSet.set(.issuerOfPatientID, string: patient.issuer) }
        dataSet.set(.patientBirthDate, string: patient.birthDate)
        dataSet.set(.patientSex, string: patient.sex)
        dataSet.set(.studyInstanceUID, string: study.uid)
        dataSet.set(.seriesInstanceUID, string: series.uid)
        dataSet.set(.studyID, string: study.studyID)
        dataSet.set(.seriesNumber, string: String(series.number))
        dataSet.set(.instanceNumber, string: String(instance.number))
        if series.modality != "SR" {
            dataSet.set(.rows, integers: [instance.rows])
            dataSet.set(.columns, integers: [8])
            dataSet.set(.bitsAllocated, integers: [16])
            dataSet.set(
                .pixelData, vr: .OW, bytes: ByteBuffer(repeating: UInt8(index & 0xFF), count: instance.rows * 16))
        }
        return dataSet
    }

    /// The instance as a Part 10 file in Explicit VR Little Endian.
    func file(_ index: Int) throws -> ByteBuffer {
        try DICOMFile(dataSet: dataSet(index), transferSyntax: .explicitVRLittleEndian).encoded()
    }
}
