/// An ordered collection of data elements, sorted by tag as in an encoded data set.
///
/// Items of sequences are data sets too. A data set read from an item inherits the
/// Specific Character Set of the data set that contains it, unless it has its own
/// (PS3.5 §7.5.3).
public struct DataSet: Sendable, Equatable {
    /// Elements in ascending tag order, no tag twice.
    public private(set) var elements: [DataElement]

    /// The character set of the enclosing data set, for items of sequences.
    public var inheritedCharacterSet: SpecificCharacterSet?

    public init(_ elements: [DataElement] = [], inheritedCharacterSet: SpecificCharacterSet? = nil) {
        self.elements = []
        self.inheritedCharacterSet = inheritedCharacterSet
        self.elements.reserveCapacity(elements.count)
        for element in elements { insert(element) }
    }

    public static func == (lhs: DataSet, rhs: DataSet) -> Bool {
        lhs.elements == rhs.elements
    }

    public var count: Int { elements.count }

    /// The greatest tag in the data set; reads the tag in place, without copying the element.
    public var lastTag: Tag? {
        elements.isEmpty ? nil : elements[elements.count - 1].tag
    }
    public var isEmpty: Bool { elements.isEmpty }
    public var tags: [Tag] { elements.map(\.tag) }

    /// Index of the element with this tag, or of where it would be inserted.
    func position(of tag: Tag) -> (index: Int, found: Bool) {
        var low = 0
        var high = elements.count
        while low < high {
            let middle = (low + high) / 2
            let candidate = elements[middle].tag
            if candidate == tag { return (middle, true) }
            if candidate < tag { low = middle + 1 } else { high = middle }
        }
        return (low, false)
    }

    public subscript(tag: Tag) -> DataElement? {
        get {
            let (index, found) = position(of: tag)
            return found ? elements[index] : nil
        }
        set {
            if var newValue {
                newValue.tag = tag
                insert(newValue)
            } else {
                remove(tag)
            }
        }
    }

    public func contains(_ tag: Tag) -> Bool { position(of: tag).found }

    public mutating func reserveCapacity(_ count: Int) {
        elements.reserveCapacity(count)
    }

    /// Adds the element, replacing one with the same tag. Appending in ascending order, as a
    /// parser does, costs O(1).
    public mutating func insert(_ element: consuming DataElement) {
        if let lastTag, lastTag < element.tag {
            elements.append(element)
            return
        }
        let (index, found) = position(of: element.tag)
        if found { elements[index] = element } else { elements.insert(element, at: index) }
    }

    @discardableResult
    public mutating func remove(_ tag: Tag) -> DataElement? {
        let (index, found) = position(of: tag)
        return found ? elements.remove(at: index) : nil
    }

    /// Removes every element for which the predicate is true.
    public mutating func removeAll(where shouldRemove: (DataElement) throws -> Bool) rethrows {
        try elements.removeAll(where: shouldRemove)
    }

    /// The elements of one group, for example the file meta information (0002).
    public func group(_ group: UInt16) -> DataSet {
        DataSet(elements.filter { $0.tag.group == group }, inheritedCharacterSet: inheritedCharacterSet)
    }

    /// The data set without the elements before `start` and from `end` on.
    public func elements(in range: Range<Tag>) -> ArraySlice<DataElement> {
        let lower = position(of: range.lowerBound).index
        let upper = position(of: range.upperBound).index
        return elements[lower..<upper]
    }
}

extension DataSet: RandomAccessCollection {
    public var startIndex: Int { elements.startIndex }
    public var endIndex: Int { elements.endIndex }
    public subscript(position: Int) -> DataElement { elements[position] }
}
