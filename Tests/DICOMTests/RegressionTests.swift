@testable import DICOM
import NIOCore
import Testing

/// One test per bug the corpus and fuzz tests found, named after the bug.
@Suite("regressions")
struct RegressionTests {
    /// Big endian values were swapped a byte at a time through `writeInteger`: 1.3 s for the
    /// 2-frame OBXXXX1A_expb in a debug build. Now one pass over memory, words of 2, 4 or 8.
    @Test func bigEndianValuesSwapInOnePass() {
        let count = (8 << 20) + 3  // and a partial word, kept as it is
        var input = ByteBuffer()
        input.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { target in
            for index in 0..<count { target[index] = UInt8(truncatingIfNeeded: index &* 7 &+ index >> 8) }
            return count
        }
        let clock = ContinuousClock()
        for width in [2, 4, 8] {
            var swapped = ByteBuffer()
            let elapsed = clock.measure { swapped = ByteSwapping.swapped(input, width: width) }
            #expect(elapsed < .seconds(2), "8 MiB swapped in \(elapsed)")
            #expect(swapped.readableBytes == count)
            let tail = count % width
            for offset in [0, width, 4096 * width, count - tail - width] {
                #expect(
                    swapped.getBytes(at: offset, length: width)
                        == input.getBytes(at: offset, length: width).map { Array($0.reversed()) })
            }
            #expect(swapped.getBytes(at: count - tail, length: tail) == input.getBytes(at: count - tail, length: tail))
        }
        let odd = ByteSwapping.swapped(ByteBuffer(bytes: [1, 2, 3, 4, 5, 6]), width: 3)
        #expect(odd.readableBytesView.elementsEqual([3, 2, 1, 6, 5, 4]))
    }
}
