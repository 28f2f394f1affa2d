public import DICOM

/// Stored values to 8-bit grey, as PS3.4 N.2.1 orders it: the Modality LUT (Rescale Slope and
/// Intercept, or a Modality LUT Sequence), then the VOI (a window or a VOI LUT Sequence), then
/// MONOCHROME1's inversion.
public struct GreyscalePipeline: Sendable, Hashable {
    public enum ModalityTransform: Sendable, Hashable {
        case rescale(slope: Double, intercept: Double)
        case table(LookupTable)
    }

    public enum VOITransform: Sendable, Hashable {
        case window(VOIWindow)
        case table(LookupTable)
    }

    public var modality: ModalityTransform
    public var voi: VOITransform
    public var inverted: Bool

    public init(modality: ModalityTransform, voi: VOITransform, inverted: Bool) {
        self.modality = modality
        self.voi = voi
        self.inverted = inverted
    }

    /// The pipeline for one frame. The VOI is the requested window, else the data set's first
    /// Window Center and Width (with its VOI LUT Function), else its VOI LUT Sequence, else a
    /// window spanning the frame's modality values from `minimum` to `maximum` stored.
    public init(
        dataSet: DataSet, frame: Int, window requested: VOIWindow?, storedRange minimum: Int, _ maximum: Int,
        signed: Bool, inverted: Bool
    ) throws(ImagingError) {
        let attributes = FrameAttributes(dataSet: dataSet, frame: frame)
        if let holder = attributes.holder(of: .rescaleSlope) ?? attributes.holder(of: .rescaleIntercept) {
            let slope = holder.double(.rescaleSlope) ?? 1
            let intercept = holder.double(.rescaleIntercept) ?? 0
            guard slope.isFinite, intercept.isFinite, slope != 0 else {
                throw .malformed("Rescale Slope \(slope) and Intercept \(intercept)")
            }
            modality = .rescale(slope: slope, intercept: intercept)
        } else if let table = try LookupTable(sequence: .modalityLUTSequence, in: dataSet, signedInput: signed) {
            modality = .table(table)
        } else {
            modality = .rescale(slope: 1, intercept: 0)
        }
        self.inverted = inverted
        if let requested {
            voi = .window(requested)
        } else if let stored = GreyscalePipeline.storedWindow(attributes) {
            voi = .window(stored)
        } else if let table = try LookupTable(
            sequence: .voilutSequence, in: dataSet, signedInput: GreyscalePipeline.canBeNegative(modality, minimum))
        {
            voi = .table(table)
        } else {
            var low = Double.infinity
            var high = -Double.infinity
            for value in GreyscalePipeline.extremes(of: modality, minimum, maximum) {
                low = min(low, value)
                high = max(high, value)
            }
            voi = .window(.covering(minimum: low, maximum: high))
        }
    }

    /// The modality value of a stored value.
    public func modalityValue(_ stored: Int) -> Double {
        switch modality {
        case .rescale(let slope, let intercept): Double(stored) * slope + intercept
        case .table(let table): Double(table[stored])
        }
    }

    /// The displayed grey, 0…255, of a stored value.
    public func output(_ stored: Int) -> UInt8 {
        let value = modalityValue(stored)
        let grey: Double
        switch voi {
        case .window(let window):
            grey = window.output(value)
        case .table(let table):
            let entry = table[Int((value).rounded(.down))]
            grey = Double(entry) * 255 / Double(max(1, table.maximumOutput))
        }
        let level = UInt8(max(0, min(255, (grey + 0.5).rounded(.down))))
        return inverted ? 255 - level : level
    }

    /// The 8-bit image of a frame: through a table over the frame's stored range when it is
    /// small enough (one evaluation per distinct value), else value by value.
    public func render(_ frame: MonochromeFrame) -> [UInt8] {
        let low = Int(frame.minimum)
        let span = Int(frame.maximum) - low + 1
        guard span > 0, span <= 1 << 20 else {
            return frame.values.map { output(Int($0)) }
        }
        let table = (0..<span).map { output(low + $0) }
        return [UInt8](unsafeUninitializedCapacity: frame.values.count) { buffer, initialized in
            table.withUnsafeBufferPointer { lut in
                frame.values.withUnsafeBufferPointer { values in
                    for index in 0..<values.count {
                        buffer[index] = lut[Int(values[index]) - low]
                    }
                }
            }
            initialized = frame.values.count
        }
    }

    private static func storedWindow(_ attributes: FrameAttributes) -> VOIWindow? {
        guard let center = attributes.doubles(.windowCenter).first,
            let width = attributes.doubles(.windowWidth).first
        else { return nil }
        let function = attributes.string(.voilutFunction).flatMap(VOIFunction.init(rawValue:)) ?? .linear
        // A window the standard forbids (a width below 1) is ignored, as if absent.
        return try? VOIWindow(center: center, width: width, function: function)
    }

    private static func canBeNegative(_ modality: ModalityTransform, _ minimum: Int) -> Bool {
        switch modality {
        case .rescale(let slope, let intercept): Double(minimum) * slope + intercept < 0 || intercept < 0
        case .table(let table): table.entries.contains { $0 < 0 }
        }
    }

    private static func extremes(of modality: ModalityTransform, _ minimum: Int, _ maximum: Int) -> [Double] {
        switch modality {
        case .rescale(let slope, let intercept):
            return [Double(minimum) * slope + intercept, Double(maximum) * slope + intercept]
        case .table(let table):
            let first = max(minimum, table.firstMapped)
            let last = min(maximum, table.firstMapped + table.entries.count - 1)
            guard first <= last else { return [Double(table[minimum]), Double(table[maximum])] }
            return table.entries[(first - table.firstMapped)...(last - table.firstMapped)].map(Double.init)
                + [Double(table[minimum]), Double(table[maximum])]
        }
    }
}
