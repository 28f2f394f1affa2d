#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The VOI LUT Function (0028,1056) of PS3.3 C.11.2.1.3: how a window maps values to output.
public enum VOIFunction: String, Sendable, Hashable, CaseIterable {
    case linear = "LINEAR"
    case linearExact = "LINEAR_EXACT"
    case sigmoid = "SIGMOID"

    /// The spelling of the `window` query parameter (PS3.18 8.3.5.1.4): `linear`,
    /// `linear-exact`, `sigmoid`.
    public init?(queryTerm: String) {
        switch queryTerm.lowercased() {
        case "linear": self = .linear
        case "linear-exact": self = .linearExact
        case "sigmoid": self = .sigmoid
        default: return nil
        }
    }
}

/// A window (PS3.3 C.11.2.1.2): modality values mapped to 0…255 by a center, a width and a
/// function.
public struct VOIWindow: Sendable, Hashable {
    public var center: Double
    public var width: Double
    public var function: VOIFunction

    /// LINEAR needs a width of at least 1, the others a positive width (C.11.2.1.2.1–3).
    public init(center: Double, width: Double, function: VOIFunction = .linear) throws(ImagingError) {
        guard center.isFinite, width.isFinite else {
            throw .invalidParameter("window center and width must be numbers")
        }
        switch function {
        case .linear where width < 1:
            throw .invalidParameter("a LINEAR window needs a width of at least 1, not \(width)")
        case .linearExact, .sigmoid:
            guard width > 0 else {
                throw .invalidParameter("a \(function.rawValue) window needs a positive width, not \(width)")
            }
        default:
            break
        }
        self.center = center
        self.width = width
        self.function = function
    }

    /// A window spanning `minimum…maximum` exactly: what is shown when neither the request nor
    /// the data set gives one. Equal bounds give a window of width 1 around them.
    public static func covering(minimum: Double, maximum: Double) -> VOIWindow {
        VOIWindow(unchecked: (minimum + maximum) / 2, width: max(maximum - minimum, 1), function: .linearExact)
    }

    private init(unchecked center: Double, width: Double, function: VOIFunction) {
        self.center = center
        self.width = width
        self.function = function
    }

    /// The output, 0…255, for a modality value (the equations of C.11.2.1.2 with
    /// y_min 0 and y_max 255).
    public func output(_ x: Double) -> Double {
        switch function {
        case .linear:
            let lower = center - 0.5 - (width - 1) / 2
            let upper = center - 0.5 + (width - 1) / 2
            if x <= lower { return 0 }
            if x > upper { return 255 }
            return ((x - (center - 0.5)) / (width - 1) + 0.5) * 255
        case .linearExact:
            if x <= center - width / 2 { return 0 }
            if x > center + width / 2 { return 255 }
            return ((x - center) / width + 0.5) * 255
        case .sigmoid:
            return 255 / (1 + exp(-4 * (x - center) / width))
        }
    }
}
