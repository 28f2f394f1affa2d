import DICOM
import DICOMNetwork

/// Which files go over which association, and the presentation contexts each one proposes.
///
/// Every SOP class / transfer syntax pair found gets a context of its own, proposing just that
/// syntax, so that a file goes in its own syntax whenever the peer takes it. A SOP class with
/// native (uncompressed) pixel data also gets a fallback context in the uncompressed syntaxes
/// its pairs lack, Implicit VR Little Endian included (every SCP must take it): a file whose
/// own syntax is refused goes converted. A context list longer than 128 (PS3.8 §9.3.2.2) is
/// spread over several associations, a SOP class's contexts together; files keep their order.
struct StorePlan: Sendable {
    struct Association: Sendable, Equatable {
        var contexts: [ProposedPresentationContext] = []
        var files: [StoreInput.Candidate] = []
    }

    static let maximumContexts = 128

    var associations: [Association]

    init(_ files: [StoreInput.Candidate], maximumContexts: Int = Self.maximumContexts) {
        var classes: [UID] = []
        var syntaxes: [UID: [UID]] = [:]
        for file in files {
            let sopClass = file.header.sopClass
            if syntaxes[sopClass] == nil { classes.append(sopClass) }
            if syntaxes[sopClass, default: []].contains(file.header.transferSyntax) { continue }
            syntaxes[sopClass, default: []].append(file.header.transferSyntax)
        }
        var associations: [Association] = []
        var current = Association()
        var home: [Pair: Int] = [:]
        for sopClass in classes {
            let own = syntaxes[sopClass, default: []]
            let fallback = Self.fallback(for: own)
            var extra: [ProposedPresentationContext] = []
            if !fallback.isEmpty {
                extra.append(ProposedPresentationContext(abstractSyntax: sopClass, transferSyntaxes: fallback))
            }
            let step = max(1, maximumContexts - extra.count)
            for start in stride(from: 0, to: own.count, by: step) {
                let chunk = own[start..<min(own.count, start + step)]
                let block =
                    chunk.map { ProposedPresentationContext(abstractSyntax: sopClass, transferSyntaxes: [$0]) } + extra
                if !current.contexts.isEmpty, current.contexts.count + block.count > maximumContexts {
                    associations.append(current)
                    current = Association()
                }
                current.contexts += block
                for syntax in chunk { home[Pair(sopClass: sopClass, transferSyntax: syntax)] = associations.count }
            }
        }
        if !current.contexts.isEmpty { associations.append(current) }
        for file in files {
            let pair = Pair(sopClass: file.header.sopClass, transferSyntax: file.header.transferSyntax)
            if let index = home[pair] { associations[index].files.append(file) }
        }
        self.associations = associations
    }

    /// The uncompressed syntaxes to offer besides a SOP class's own: none when its files are
    /// all compressed (they cannot be converted) or when Implicit VR Little Endian is among
    /// its own already.
    static func fallback(for own: [UID]) -> [UID] {
        guard own.contains(where: { TransferSyntax(uid: $0).isUncompressed }),
            !own.contains(.implicitVRLittleEndian)
        else { return [] }
        return [UID.explicitVRLittleEndian, .implicitVRLittleEndian].filter { !own.contains($0) }
    }

    private struct Pair: Hashable {
        var sopClass: UID
        var transferSyntax: UID
    }
}
