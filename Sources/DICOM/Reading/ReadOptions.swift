/// What the reader accepts and where it stops.
public struct ReadOptions: Sendable {
    /// Read input without preamble and `DICM`, guessing the transfer syntax from the first
    /// element (like `dcmtk`'s `-f` and pydicom's `force=True`).
    public var allowRawDataSet: Bool
    /// Stop before (7FE0,0010) at the top level: header-only reads for indexing.
    public var stopBeforePixelData: Bool
    /// Reinterpret UN values whose tag the dictionary knows with the known VR (PS3.5 §6.2.2).
    public var reinterpretUN: Bool
    /// Sequence nesting beyond this is refused, so hostile input can't exhaust the stack.
    public var maximumDepth: Int
    /// A deflated data set may not inflate past this many bytes.
    public var maximumInflatedSize: Int

    public init(
        allowRawDataSet: Bool = false, stopBeforePixelData: Bool = false, reinterpretUN: Bool = true,
        maximumDepth: Int = 64, maximumInflatedSize: Int = 1 << 32
    ) {
        self.allowRawDataSet = allowRawDataSet
        self.stopBeforePixelData = stopBeforePixelData
        self.reinterpretUN = reinterpretUN
        self.maximumDepth = maximumDepth
        self.maximumInflatedSize = maximumInflatedSize
    }
}
