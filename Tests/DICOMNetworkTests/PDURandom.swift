import DICOM
import NIOCore

@testable import DICOMNetwork

/// Random PDUs for round-trip tests, from a seeded generator. Every value is one the decoder
/// can produce: trimmed AE titles, UIDs of digits and dots, canonical reject sources.
struct RandomPDUs {
    var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
    mutating func byte() -> UInt8 { UInt8.random(in: 0...255, using: &generator) }
    mutating func bool() -> Bool { Bool.random(using: &generator) }
    mutating func bytes(_ range: ClosedRange<Int>) -> [UInt8] { (0..<int(range)).map { _ in byte() } }
    mutating func maybe<T>(_ make: (inout RandomPDUs) -> T) -> T? { bool() ? make(&self) : nil }
    mutating func list<T>(_ range: ClosedRange<Int>, _ make: (inout RandomPDUs) -> T) -> [T] {
        (0..<int(range)).map { _ in make(&self) }
    }

    /// 1–64 characters: components without leading zeros.
    mutating func uid() -> UID {
        var text = String(int(0...2))
        let target = int(1...64)
        while text.count < target - 1 {
            let component = String(int(0...999_999))
            guard text.count + 1 + component.count <= 64 else { break }
            text += "." + component
        }
        return UID(unchecked: text)
    }

    /// ISO 8859-1 text without leading or trailing spaces or NULs, as decoded AE titles are.
    mutating func aeTitle() -> String {
        let scalars = (0..<int(0...16)).map { _ in
            Unicode.Scalar(bool() ? UInt8(int(0x21...0x7E)) : byte())
        }
        let text = String(String.UnicodeScalarView(scalars))
        let padding: Set<Character> = [" ", "\0"]
        return String(text.drop { padding.contains($0) }.reversed().drop { padding.contains($0) }.reversed())
    }

    mutating func latin1Text(_ range: ClosedRange<Int>) -> String {
        String(String.UnicodeScalarView((0..<int(range)).map { _ in Unicode.Scalar(byte()) }))
    }

    mutating func userInformation() -> UserInformation {
        UserInformation(
            maximumLength: maybe { UInt32.random(in: 0...UInt32.max, using: &$0.generator) },
            implementationClassUID: maybe { $0.uid() },
            asynchronousOperationsWindow: maybe {
                .init(
                    maximumOperationsInvoked: UInt16($0.int(0...65535)),
                    maximumOperationsPerformed: UInt16($0.int(0...65535)))
            },
            roleSelections: list(0...3) { .init(sopClassUID: $0.uid(), scuRole: $0.bool(), scpRole: $0.bool()) },
            implementationVersionName: maybe { $0.latin1Text(0...16) },
            extendedNegotiations: list(0...2) {
                .init(sopClassUID: $0.uid(), applicationInformation: $0.bytes(0...20))
            },
            commonExtendedNegotiations: list(0...2) {
                .init(
                    sopClassUID: $0.uid(), serviceClassUID: $0.uid(),
                    relatedGeneralSOPClassUIDs: $0.list(0...3) { $0.uid() })
            },
            userIdentity: maybe {
                .init(
                    type: .init(rawValue: $0.byte()),
                    positiveResponseRequested: $0.bool(),
                    primaryField: $0.bytes(0...40),
                    secondaryField: $0.bytes(0...20)
                )
            },
            userIdentityServerResponse: maybe { $0.bytes(0...40) },
            unknownSubItems: list(0...2) { random in
                var type = random.byte()
                while (0x51...0x59).contains(type) { type = random.byte() }
                return .init(type: type, value: random.bytes(0...10))
            }
        )
    }

    mutating func pdu() -> PDU {
        switch int(0...6) {
        case 0:
            return .associateRequest(
                AssociateRequest(
                    protocolVersion: UInt16(int(0...65535)),
                    calledAETitle: aeTitle(),
                    callingAETitle: aeTitle(),
                    applicationContext: uid(),
                    presentationContexts: list(0...5) {
                        .init(id: $0.byte(), abstractSyntax: $0.uid(), transferSyntaxes: $0.list(0...4) { $0.uid() })
                    },
                    userInformation: userInformation()
                )
            )
        case 1:
            return .associateAccept(
                AssociateAccept(
                    protocolVersion: UInt16(int(0...65535)),
                    calledAETitle: aeTitle(),
                    callingAETitle: aeTitle(),
                    applicationContext: uid(),
                    presentationContexts: list(0...5) {
                        .init(
                            id: $0.byte(),
                            result: PresentationContextResult.Result(rawValue: UInt8($0.int(0...4))) ?? .acceptance,
                            transferSyntax: $0.maybe { $0.uid() }
                        )
                    },
                    userInformation: userInformation()
                )
            )
        case 2:
            return .associateReject(
                AssociateReject(result: .init(rawValue: byte()), source: .init(sourceByte: byte(), reasonByte: byte()))
            )
        case 3:
            return .data(
                list(0...4) {
                    PresentationDataValue(
                        contextID: $0.byte(),
                        isCommand: $0.bool(),
                        isLast: $0.bool(),
                        data: ByteBuffer(bytes: $0.bytes(0...300))
                    )
                }
            )
        case 4: return .releaseRequest
        case 5: return .releaseResponse
        default: return .abort(Abort(source: .init(rawValue: byte()), reason: .init(rawValue: byte())))
        }
    }
}
