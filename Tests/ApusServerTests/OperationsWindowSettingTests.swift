import ApusServer
import Testing

@Suite("DICOM asynchronous operations window setting")
struct OperationsWindowSettingTests {
    @Test("16 by default, from APUS_DICOM_OPERATIONS_WINDOW or the file, refused outside 1...256")
    func setting() throws {
        #expect(try ServerConfiguration.load(file: nil, environment: [:]).dicomOperationsWindow == 16)
        let one = try ServerConfiguration.load(file: nil, environment: ["APUS_DICOM_OPERATIONS_WINDOW": "1"])
        #expect(one.dicomOperationsWindow == 1)
        for wrong in ["0", "257", "many"] {
            #expect(throws: ConfigurationError.self) {
                try ServerConfiguration.load(file: nil, environment: ["APUS_DICOM_OPERATIONS_WINDOW": wrong])
            }
        }
    }
}
