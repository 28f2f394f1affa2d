import DICOMImaging
import Foundation
import Testing

/// The VOI functions against the equations of PS3.3 C.11.2.1.2, with y_min 0 and y_max 255.
@Suite struct VOIWindowTests {
    @Test func linearFollowsTheStandardsEquation() throws {
        let window = try VOIWindow(center: 40, width: 400)
        // x <= c - 0.5 - (w-1)/2 = -160 → 0; x > c - 0.5 + (w-1)/2 = 239 → 255.
        #expect(window.output(-160) == 0)
        #expect(window.output(-1000) == 0)
        #expect(window.output(240) == 255)
        #expect(window.output(239) == ((239 - 39.5) / 399 + 0.5) * 255)
        #expect(abs(window.output(40) - ((40 - 39.5) / 399 + 0.5) * 255) < 1e-12)
        // Width 1: a threshold at the center.
        let threshold = try VOIWindow(center: 100, width: 1)
        #expect(threshold.output(99) == 0)
        #expect(threshold.output(100) == 255)
    }

    @Test func linearExactAndSigmoid() throws {
        let exact = try VOIWindow(center: 0, width: 100, function: .linearExact)
        #expect(exact.output(-50) == 0)
        #expect(exact.output(50) == 255)
        #expect(exact.output(0) == 127.5)
        #expect(exact.output(25) == 0.75 * 255)
        let sigmoid = try VOIWindow(center: 10, width: 20, function: .sigmoid)
        #expect(sigmoid.output(10) == 127.5)
        #expect(abs(sigmoid.output(20) - 255 / (1 + exp(-2.0))) < 1e-9)
        #expect(sigmoid.output(-1e6) < 1e-6)
    }

    @Test func widthsTheStandardForbidsAreRefused() {
        #expect(throws: ImagingError.self) { try VOIWindow(center: 0, width: 0.5) }
        #expect(throws: ImagingError.self) { try VOIWindow(center: 0, width: 0, function: .linearExact) }
        #expect(throws: ImagingError.self) { try VOIWindow(center: 0, width: -3, function: .sigmoid) }
        #expect(throws: ImagingError.self) { try VOIWindow(center: .nan, width: 10) }
        #expect((try? VOIWindow(center: 0, width: 0.5, function: .sigmoid)) != nil)
    }

    @Test func queryTermsAndDefinedTerms() {
        #expect(VOIFunction(queryTerm: "linear-exact") == .linearExact)
        #expect(VOIFunction(queryTerm: "SIGMOID") == .sigmoid)
        #expect(VOIFunction(queryTerm: "LINEAR_EXACT") == nil)
        #expect(VOIFunction(rawValue: "LINEAR_EXACT") == .linearExact)
    }
}
