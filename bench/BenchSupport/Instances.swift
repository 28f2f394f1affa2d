package import DICOM
import Foundation
package import NIOCore

/// One instance ready to send: its data set already encoded in Explicit VR Little Endian, as
/// a C-STORE carries it (no file meta information).
package struct Instance: Sendable {
    package let sopClass: UID
    package let sopInstance: UID
    package let dataSet: ByteBuffer
}

/// The generated instances. Every target gets the same bytes; each target's storage is
/// fresh, so the UIDs only have to differ between workloads, which `root` takes care of.
package enum Instances {
    package static let root = "2.25.31415926535897932384626433832795"

    /// `count` MR images of 64×64 16-bit pixels (8 KiB): the small-instance workload.
    package static func small(workload: Int, count: Int) throws -> [Instance] {
        let study = "\(root).\(workload)"
        let pixels = pixelData(rows: 64, columns: 64)
        return try (1...max(count, 1)).map { number in
            let header = image(
                study: study, number: number, sopClass: .mrImageStorage, modality: "MR",
                patient: (id: "BENCH-\(workload)", name: "Bench^Small\(workload)"), date: "20261125",
                rows: 64, columns: 64, pixels: pixels)
            return try encode(header, sopClass: .mrImageStorage, sopInstance: "\(study).1.\(number)")
        }
    }

    /// `count` CT images of 512×512 16-bit pixels (512 KiB) with a scanner's full header.
    package static func ct(workload: Int, count: Int) throws -> [Instance] {
        let pixels = pixelData(rows: 512, columns: 512)
        return try (1...max(count, 1)).map { number in try ct(workload: workload, number: number, pixels: pixels) }
    }

    /// The `number`th CT image (from 1) of workload `workload`'s study, one at a time for
    /// workloads too big to hold in memory; `pixels` from `pixelData(rows: 512, columns: 512)`.
    package static func ct(workload: Int, number: Int, pixels: ByteBuffer) throws -> Instance {
        let study = "\(root).\(workload)"
        let header = image(
            study: study, number: number, sopClass: .ctImageStorage, modality: "CT",
            patient: (id: "BENCH-\(workload)", name: "Bench^CT\(workload)"), date: "20261125",
            rows: 512, columns: 512, pixels: pixels)
        return try encode(header, sopClass: .ctImageStorage, sopInstance: "\(study).1.\(number)")
    }

    /// The Study Instance UID of workload `workload`'s instances (`small` and `ct`).
    package static func study(workload: Int) -> String {
        "\(root).\(workload)"
    }

    /// The `index`th instance of the C-FIND corpus: studies of `perStudy` small MR images, one
    /// patient per study, study dates spread over ten years.
    package static func findCorpus(workload: Int, index: Int, perStudy: Int, pixels: ByteBuffer) throws -> Instance {
        let studyNumber = index / perStudy
        let study = "\(root).\(workload).\(studyNumber + 1)"
        let number = index % perStudy + 1
        let header = image(
            study: study, number: number, sopClass: .mrImageStorage, modality: "MR",
            patient: findPatient(studyNumber), date: studyDate(studyNumber), rows: 64, columns: 64, pixels: pixels)
        return try encode(header, sopClass: .mrImageStorage, sopInstance: "\(study).1.\(number)")
    }

    /// Patient of the C-FIND corpus's study `number`: its ID matches one study, its name
    /// prefix without the last digit matches ten.
    package static func findPatient(_ number: Int) -> (id: String, name: String) {
        let digits = String(format: "%07d", number)
        return (id: "FIND-\(digits)", name: "Find^P\(digits)")
    }

    /// Patients of the C-FIND/QIDO corpus to query, drawn by a fixed sequence over its first
    /// `studies` studies so that every target gets the same queries: an ID (one study each)
    /// and, from the tenth study on, a name prefix without the last digit (ten studies each).
    package static func queryPatients(studies: Int, count: Int) -> (ids: [String], namePrefixes: [String]) {
        var random = SplitMix(seed: 42)
        var ids: [String] = []
        var prefixes: [String] = []
        let decades = studies / 10
        for _ in 0..<count where studies > 0 {
            ids.append(findPatient(Int(random.next() % UInt64(studies))).id)
            guard decades > 0 else { continue }
            let decade = Int(random.next() % UInt64(decades))
            prefixes.append(String(findPatient(decade * 10).name.dropLast()))
        }
        return (ids, prefixes)
    }

    package static func studyDate(_ number: Int) -> String {
        let day = Date(timeIntervalSince1970: 1_577_836_800 + Double(number % 3_650) * 86_400)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: day)
    }

    package static func pixelData(rows: Int, columns: Int) -> ByteBuffer {
        var pixels = ByteBuffer()
        pixels.reserveCapacity(rows * columns * 2)
        for index in 0..<(rows * columns) {
            pixels.writeInteger(UInt16(truncatingIfNeeded: index % 4_096), endianness: .little)
        }
        return pixels
    }

    /// The instance as a Part 10 file (file meta information, then the data set), as STOW-RS
    /// and storescu send it.
    package static func part10(_ instance: Instance) throws -> ByteBuffer {
        let dataSet = try DataSet(decoding: instance.dataSet, transferSyntax: .explicitVRLittleEndian)
        return try DICOMFile(dataSet: dataSet, transferSyntax: .explicitVRLittleEndian).encoded()
    }

    private static func encode(_ dataSet: DataSet, sopClass: UID, sopInstance: String) throws -> Instance {
        Instance(
            sopClass: sopClass, sopInstance: UID(unchecked: sopInstance),
            dataSet: try dataSet.encoded(in: .explicitVRLittleEndian))
    }

    private static func image(
        study: String, number: Int, sopClass: UID, modality: String,
        patient: (id: String, name: String), date: String, rows: Int, columns: Int, pixels: ByteBuffer
    ) -> DataSet {
        var header = DataSet()
        header.set(.specificCharacterSet, string: "ISO_IR 100")
        header.set(.imageType, strings: ["ORIGINAL", "PRIMARY", "AXIAL"])
        header.set(.sopClassUID, string: sopClass.rawValue)
        header.set(.sopInstanceUID, string: "\(study).1.\(number)")
        header.set(.studyDate, string: date)
        header.set(.studyTime, string: "101500")
        header.set(.accessionNumber, string: "A\(study.suffix(12))")
        header.set(.modality, string: modality)
        header.set(.manufacturer, string: "Apus bench")
        header.set(.studyDescription, string: "BENCH \(modality)")
        header.set(.seriesDescription, string: "AXIAL")
        header.set(.patientName, string: patient.name)
        header.set(.patientID, string: patient.id)
        header.set(.patientBirthDate, string: "19700101")
        header.set(.patientSex, string: "O")
        header.set(.sliceThickness, string: "1.25")
        header.set(.studyInstanceUID, string: study)
        header.set(.seriesInstanceUID, string: "\(study).1")
        header.set(.studyID, string: "1")
        header.set(.seriesNumber, string: "1")
        header.set(.instanceNumber, string: "\(number)")
        header.set(.imagePositionPatient, strings: ["-250", "-250", String(Double(number) * 1.25)])
        header.set(.imageOrientationPatient, strings: ["1", "0", "0", "0", "1", "0"])
        header.set(.frameOfReferenceUID, string: "\(study).9")
        header.set(.sliceLocation, string: String(Double(number) * 1.25))
        header.set(.samplesPerPixel, integers: [1])
        header.set(.photometricInterpretation, string: "MONOCHROME2")
        header.set(.rows, integers: [rows])
        header.set(.columns, integers: [columns])
        header.set(.pixelSpacing, strings: ["0.9765625", "0.9765625"])
        header.set(.bitsAllocated, integers: [16])
        header.set(.bitsStored, integers: [12])
        header.set(.highBit, integers: [11])
        header.set(.pixelRepresentation, integers: [0])
        header.set(.windowCenter, strings: ["40"])
        header.set(.windowWidth, strings: ["400"])
        header.set(.rescaleIntercept, string: "-1024")
        header.set(.rescaleSlope, string: "1")
        header.set(.pixelData, vr: .OW, bytes: pixels)
        return header
    }
}
