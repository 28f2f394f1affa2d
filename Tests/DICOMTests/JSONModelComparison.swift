import Foundation

/// Compares two DICOM JSON models semantically, as parsed by JSONSerialization, and lists the
/// differences by path.
///
/// What is treated as equal, and why:
/// - Numbers within a relative 1e-6: DS values are written from their text by both sides, but FL
///   values differ in text (Apus writes the shortest text of the 32-bit float, `0.1`; pydicom the
///   64-bit widening, `0.10000000149011612`).
/// - `""` and `null` as values, and PN groups that are empty strings and absent ones: PS3.18 F.2.5
///   says null and F.2.2 says empty groups are left out; pydicom writes `""`.
/// - `"Value": []` and no Value: pydicom writes an empty array for a sequence without items,
///   F.2.5 an attribute without Value.
/// - Group length elements, which pydicom keeps and F.2.2 excludes.
enum JSONModelComparison {
    static func differences(ours: [String: Any], theirs: [String: Any]) -> [String] {
        var differences: [String] = []
        compareDataSets(ours, theirs, path: "", into: &differences)
        return differences
    }

    private static func compareDataSets(
        _ ours: [String: Any], _ theirs: [String: Any], path: String, into differences: inout [String]
    ) {
        let keys = Set(ours.keys).union(theirs.keys).filter { !$0.hasSuffix("0000") }.sorted()
        for key in keys {
            let place = path.isEmpty ? key : "\(path).\(key)"
            guard let mine = ours[key] as? [String: Any] else {
                differences.append("\(place): missing in ours")
                continue
            }
            guard let other = theirs[key] as? [String: Any] else {
                differences.append("\(place): missing in pydicom's")
                continue
            }
            compareAttributes(mine, other, path: place, into: &differences)
        }
    }

    private static func compareAttributes(
        _ ours: [String: Any], _ theirs: [String: Any], path: String, into differences: inout [String]
    ) {
        if (ours["vr"] as? String) != (theirs["vr"] as? String) {
            differences.append("\(path): vr \(ours["vr"] ?? "none") ≠ \(theirs["vr"] ?? "none")")
            return
        }
        for key in ["InlineBinary", "BulkDataURI"] where (ours[key] as? String) != (theirs[key] as? String) {
            differences.append("\(path): \(key) differs")
        }
        let mine = nonEmptyArray(ours["Value"])
        let other = nonEmptyArray(theirs["Value"])
        guard mine.count == other.count else {
            differences.append("\(path): \(mine.count) values ≠ \(other.count)")
            return
        }
        for (index, (left, right)) in zip(mine, other).enumerated() {
            compareValues(left, right, path: "\(path)[\(index)]", into: &differences)
        }
    }

    private static func compareValues(_ ours: Any, _ theirs: Any, path: String, into differences: inout [String]) {
        switch (normalized(ours), normalized(theirs)) {
        case (nil, nil):
            return
        case (let left as NSNumber, let right as NSNumber):
            let a = left.doubleValue
            let b = right.doubleValue
            if a != b, abs(a - b) > 1e-6 * max(abs(a), abs(b)) {
                differences.append("\(path): \(a) ≠ \(b)")
            }
        case (let left as String, let right as String):
            if left != right { differences.append("\(path): \"\(left)\" ≠ \"\(right)\"") }
        case (let left as [String: Any], let right as [String: Any]):
            if left.keys.contains(where: { ["Alphabetic", "Ideographic", "Phonetic"].contains($0) })
                || right.keys.contains(where: { ["Alphabetic", "Ideographic", "Phonetic"].contains($0) })
            {
                for group in ["Alphabetic", "Ideographic", "Phonetic"]
                where (left[group] as? String ?? "") != (right[group] as? String ?? "") {
                    differences.append("\(path).\(group): \(left[group] ?? "none") ≠ \(right[group] ?? "none")")
                }
            } else {
                compareDataSets(left, right, path: path, into: &differences)
            }
        case (let left, let right):
            differences.append("\(path): \(left ?? "null") ≠ \(right ?? "null")")
        }
    }

    /// Empty strings and PN objects with nothing in them become nil.
    private static func normalized(_ value: Any) -> Any? {
        if value is NSNull { return nil }
        if let text = value as? String, text.isEmpty { return nil }
        if let object = value as? [String: Any], !object.isEmpty,
            object.keys.allSatisfy({ ["Alphabetic", "Ideographic", "Phonetic"].contains($0) }),
            object.values.allSatisfy({ ($0 as? String)?.isEmpty ?? false })
        {
            return nil
        }
        return value
    }

    private static func nonEmptyArray(_ value: Any?) -> [Any] {
        (value as? [Any]) ?? []
    }
}
