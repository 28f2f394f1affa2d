/// Prefix lengths for truncation tests: all of the short ones, where headers and first
/// elements end, then a stride through the rest.
enum TruncationLengths {
    static func sample(upTo count: Int) -> [Int] {
        Array(0..<min(count, 1024)) + Array(stride(from: 1024, to: count, by: 7))
    }
}
