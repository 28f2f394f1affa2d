import DICOMImaging
import Testing

/// PS3.18 8.3.5.1.3's viewport: the region cut (and flipped) first, then scaled to fit with its
/// aspect ratio kept.
@Suite struct ViewportTests {
    static let ramp = RenderedImage(width: 4, height: 2, channels: 1, pixels: [0, 1, 2, 3, 10, 11, 12, 13])

    @Test func fitsInsideTheViewportKeepingTheAspectRatio() throws {
        let viewport = try Viewport(width: 128, height: 128)
        #expect(viewport.fittedSize(sourceWidth: 512, sourceHeight: 512) == (128, 128))
        #expect(viewport.fittedSize(sourceWidth: 512, sourceHeight: 256) == (128, 64))
        #expect(viewport.fittedSize(sourceWidth: 100, sourceHeight: 400) == (32, 128))
        #expect(viewport.fittedSize(sourceWidth: 64, sourceHeight: 32) == (128, 64))
        #expect(try Viewport(width: 3, height: 1000).fittedSize(sourceWidth: 1000, sourceHeight: 10) == (3, 1))
        #expect(throws: ImagingError.self) { try Viewport(width: 0, height: 0) }
        #expect(throws: ImagingError.self) { try Viewport(width: 100_000, height: 10) }
    }

    @Test func regionsCropAndNegativeSizesFlip() throws {
        let crop = try ImageRegion(x: 1, y: 0, width: 2, height: 2).crop(Self.ramp)
        #expect(crop.pixels == [1, 2, 11, 12])
        let flipped = try ImageRegion(x: 1, y: 0, width: -2, height: -2).crop(Self.ramp)
        #expect(flipped.pixels == [12, 11, 2, 1])
        #expect(throws: ImagingError.self) { try ImageRegion(x: 3, y: 0, width: 2, height: 1).crop(Self.ramp) }
        #expect(throws: ImagingError.self) { try ImageRegion(x: 0, y: 0, width: 0, height: 1).crop(Self.ramp) }
        let shown = try Viewport(width: 2, height: 2, region: ImageRegion(x: 1, y: 0, width: 2, height: 2)).apply(
            to: Self.ramp)
        #expect(shown.pixels == [1, 2, 11, 12])
    }

    @Test func reductionAveragesAndEnlargementInterpolates() throws {
        // A 2×2 checkerboard of 0 and 200, halved: every target pixel covers two of each.
        let checker = RenderedImage(
            width: 8, height: 8, channels: 1, pixels: (0..<64).map { ($0 / 8 + $0 % 8) % 2 == 0 ? 0 : 200 })
        let half = try Viewport(width: 4, height: 4).apply(to: checker)
        #expect(half.width == 4 && half.height == 4)
        // Inside, each target pixel weighs as much 0 as 200; at the edges the filter is cut off.
        for y in 1...2 {
            for x in 1...2 { #expect(abs(Int(half[x, y].first ?? 0) - 100) <= 1) }
        }
        #expect(half.pixels.allSatisfy { (60...140).contains($0) })
        let flat = RenderedImage(width: 3, height: 5, channels: 3, pixels: [UInt8](repeating: 77, count: 45))
        let large = try Viewport(width: 30, height: 50).apply(to: flat)
        #expect(large.width == 30 && large.height == 50 && large.pixels.allSatisfy { $0 == 77 })
        let enlarged = try Viewport(width: 8, height: 1).apply(
            to: RenderedImage(width: 2, height: 1, channels: 1, pixels: [0, 200]))
        #expect(enlarged.pixels.first == 0 && enlarged.pixels.last == 200)
        #expect(zip(enlarged.pixels, enlarged.pixels.dropFirst()).allSatisfy { $0 <= $1 })
    }
}
