import Foundation

/// The bytes of a Part 10 file after its file meta information: the data set as it went
/// over the network, to compare files written by different programs byte for byte.
enum Part10Bytes {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func dataSet(of path: String) throws -> Data {
        let file = try Data(contentsOf: URL(fileURLWithPath: path))
        // 128-byte preamble, "DICM", then (0002,0000) UL: tag 4, VR 2, length 2, value 4.
        guard file.count >= 144, file[file.startIndex + 128..<file.startIndex + 132] == Data("DICM".utf8) else {
            throw Malformed(description: "\(path) is not a Part 10 file")
        }
        let length = file[file.startIndex + 140..<file.startIndex + 144].reversed().reduce(0) { $0 << 8 | Int($1) }
        let end = 144 + length
        guard end <= file.count else { throw Malformed(description: "\(path): meta group length \(length) too long") }
        return file.subdata(in: file.startIndex + end..<file.endIndex)
    }
}
