/// The Priority (0000,0700) of a C-STORE, C-FIND, C-GET or C-MOVE request (PS3.7 §9.1.1.1.7,
/// Annex E).
public enum DIMSEPriority: UInt16, Sendable, CaseIterable {
    case medium = 0x0000
    case high = 0x0001
    case low = 0x0002
}
