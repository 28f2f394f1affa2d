#if canImport(Glibc)
    import Glibc
#endif

/// Messages for people go to standard error so standard output stays machine-readable.
func printError(_ message: String) {
    let line = Array((message + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
