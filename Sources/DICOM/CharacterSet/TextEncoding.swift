/// How the text of a data set is encoded, as (0008,0005) as a whole says.
enum TextEncoding: Hashable, Sendable {
    /// Single-byte codes, with or without ISO 2022 code extensions.
    case iso2022(ISO2022Configuration)
    /// ISO_IR 192.
    case utf8
    /// GB18030 or GBK: multi-byte throughout, no code extensions.
    case multiByte(MultiByteCodec)

    /// PS3.5 §6.1.2.5.4 d: a stand-alone value 1 ignores the other values, and a
    /// stand-alone term in another position is ignored (as pydicom does).
    init(terms: [DefinedTerm?]) {
        if case .standalone(let encoding)? = terms.first {
            self = encoding
            return
        }
        var initial = ISO2022State(g0: .ascii, g1: nil)
        if case .singleByte(let g0, let g1)? = terms.first {
            initial = ISO2022State(g0: g0, g1: g1)
        }
        var available: [GraphicSet] = []
        func add(_ set: GraphicSet?) {
            if let set, !available.contains(set) { available.append(set) }
        }
        add(initial.g0)
        add(initial.g1)
        for term in terms {
            switch term {
            case .singleByte(let g0, let g1)?:
                add(g0)
                add(g1)
            case .multiByte(let set)?:
                add(set)
            case .standalone?, nil:
                break
            }
        }
        self = .iso2022(ISO2022Configuration(initial: initial, available: available))
    }
}

/// The graphic sets in G0 and G1.
struct ISO2022State: Hashable, Sendable {
    var g0: GraphicSet
    /// nil when nothing is designated to G1: pydicom then reads the upper half as Latin-1.
    var g1: GraphicSet?

    mutating func designate(_ set: GraphicSet) {
        if set.isG0 { g0 = set } else { g1 = set }
    }
}

struct ISO2022Configuration: Hashable, Sendable {
    /// What value 1 designates; active at the start of a value and after each delimiter.
    let initial: ISO2022State
    /// Every set the terms name, value 1's first, in the order of the terms; the
    /// encoder prefers them in this order.
    let available: [GraphicSet]
}
