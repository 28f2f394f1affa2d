import DICOMNetwork
import Testing

@Suite("DIMSE statuses and command fields")
struct DIMSEStatusTests {
    /// PS3.7 Annex C and the service classes' tables in PS3.4.
    static let categories: [(UInt16, DIMSEStatus.Category)] = [
        (0x0000, .success),
        (0xFF00, .pending), (0xFF01, .pending),
        (0xFE00, .cancel),
        (0x0001, .warning), (0x0107, .warning), (0x0116, .warning),
        (0xB000, .warning), (0xB006, .warning), (0xB007, .warning), (0xBFFF, .warning),
        (0xA700, .failure), (0xA701, .failure), (0xA702, .failure), (0xA7FF, .failure), (0xA801, .failure),
        (0xA900, .failure), (0xC000, .failure), (0xC123, .failure), (0xCFFF, .failure),
        (0x0105, .failure), (0x0106, .failure), (0x0110, .failure), (0x0111, .failure), (0x0112, .failure),
        (0x0117, .failure), (0x0118, .failure), (0x0119, .failure), (0x0120, .failure), (0x0121, .failure),
        (0x0122, .failure), (0x0124, .failure), (0x0210, .failure), (0x0211, .failure), (0x0212, .failure),
        (0x0213, .failure),
        // Codes the standard doesn't define are failures, never success.
        (0x1234, .failure), (0xFFFF, .failure), (0xFE01, .failure), (0x0002, .failure),
    ]

    @Test func categoriesFollowAnnexC() {
        for (code, category) in Self.categories {
            #expect(DIMSEStatus(rawValue: code).category == category, "0x\(String(code, radix: 16))")
        }
    }

    @Test func namedConstants() {
        #expect(DIMSEStatus.success.rawValue == 0x0000)
        #expect(DIMSEStatus.pending.rawValue == 0xFF00)
        #expect(DIMSEStatus.pendingWithOptionalKeysUnsupported.rawValue == 0xFF01)
        #expect(DIMSEStatus.cancel.rawValue == 0xFE00)
        #expect(DIMSEStatus.coercionOfDataElements == .subOperationsCompleteWithFailures)
        #expect(DIMSEStatus.coercionOfDataElements.rawValue == 0xB000)
        #expect(DIMSEStatus.elementsDiscarded.rawValue == 0xB006)
        #expect(DIMSEStatus.dataSetDoesNotMatchSOPClassWarning.rawValue == 0xB007)
        #expect(DIMSEStatus.outOfResources.rawValue == 0xA700)
        #expect(DIMSEStatus.outOfResourcesUnableToCalculateMatches.rawValue == 0xA701)
        #expect(DIMSEStatus.outOfResourcesUnableToPerformSubOperations.rawValue == 0xA702)
        #expect(DIMSEStatus.moveDestinationUnknown.rawValue == 0xA801)
        #expect(DIMSEStatus.dataSetDoesNotMatchSOPClass.rawValue == 0xA900)
        #expect(DIMSEStatus.cannotUnderstand.rawValue == 0xC000)
        #expect(DIMSEStatus.sopClassNotSupported.rawValue == 0x0122)
        #expect(DIMSEStatus.notAuthorized.rawValue == 0x0124)
        #expect(DIMSEStatus.unrecognizedOperation.rawValue == 0x0211)
        #expect(DIMSEStatus.mistypedArgument.rawValue == 0x0212)
        #expect(DIMSEStatus.processingFailure.rawValue == 0x0110)
        #expect(DIMSEStatus.duplicateSOPInstance.rawValue == 0x0111)
    }

    @Test func predicates() {
        #expect(DIMSEStatus.success.isSuccess && DIMSEStatus.success.isFinal)
        #expect(DIMSEStatus.pending.isPending && !DIMSEStatus.pending.isFinal)
        #expect(DIMSEStatus.pendingWithOptionalKeysUnsupported.isPending)
        #expect(DIMSEStatus.cancel.isCancel && DIMSEStatus.cancel.isFinal)
        #expect(DIMSEStatus.elementsDiscarded.isWarning && !DIMSEStatus.elementsDiscarded.isFailure)
        #expect(DIMSEStatus.outOfResources.isFailure && !DIMSEStatus.outOfResources.isSuccess)
    }

    @Test func descriptions() {
        #expect(DIMSEStatus.success.description == "0x0000 success (success)")
        #expect(DIMSEStatus.outOfResources.description == "0xA700 failure (refused: out of resources)")
        #expect(DIMSEStatus(rawValue: 0xA7A7).meaning == "refused: out of resources")
        #expect(DIMSEStatus(rawValue: 0xC0DE).meaning == "error: cannot understand, unable to process")
        #expect(DIMSEStatus.moveDestinationUnknown.description.contains("move destination unknown"))
        #expect(DIMSEStatus(rawValue: 0x1234).description == "0x1234 failure")
        #expect(DIMSEStatus(rawValue: 0x1234).meaning == nil)
        let undefined: Set<UInt16> = [0x1234, 0xFFFF, 0xFE01, 0x0002, 0xBFFF]
        for (code, _) in Self.categories where !undefined.contains(code) {
            #expect(DIMSEStatus(rawValue: code).meaning != nil, "0x\(String(code, radix: 16))")
        }
    }

    @Test func commandFields() {
        let requests: [(CommandField, UInt16, String)] = [
            (.cStoreRequest, 0x0001, "C-STORE-RQ"), (.cGetRequest, 0x0010, "C-GET-RQ"),
            (.cFindRequest, 0x0020, "C-FIND-RQ"), (.cMoveRequest, 0x0021, "C-MOVE-RQ"),
            (.cEchoRequest, 0x0030, "C-ECHO-RQ"), (.nEventReportRequest, 0x0100, "N-EVENT-REPORT-RQ"),
            (.nGetRequest, 0x0110, "N-GET-RQ"), (.nSetRequest, 0x0120, "N-SET-RQ"),
            (.nActionRequest, 0x0130, "N-ACTION-RQ"), (.nCreateRequest, 0x0140, "N-CREATE-RQ"),
            (.nDeleteRequest, 0x0150, "N-DELETE-RQ"),
        ]
        let responses: [CommandField] = [
            .cStoreResponse, .cGetResponse, .cFindResponse, .cMoveResponse, .cEchoResponse, .nEventReportResponse,
            .nGetResponse, .nSetResponse, .nActionResponse, .nCreateResponse, .nDeleteResponse,
        ]
        for ((request, value, name), response) in zip(requests, responses) {
            #expect(request.rawValue == value)
            #expect(request.description == name)
            #expect(!request.isResponse)
            #expect(response.rawValue == value | 0x8000)
            #expect(response.description == name.dropLast(3) + "-RSP")
            #expect(response.isResponse)
        }
        #expect(CommandField.cCancelRequest.rawValue == 0x0FFF)
        #expect(CommandField.cCancelRequest.description == "C-CANCEL-RQ")
        #expect(!CommandField.cCancelRequest.isResponse)
        #expect(CommandField(rawValue: 0x0042).description == "command 0x0042")
        #expect(CommandField(rawValue: 0x0042).name == nil)
    }

    @Test func priorities() {
        #expect(DIMSEPriority.low.rawValue == 0x0002)
        #expect(DIMSEPriority.medium.rawValue == 0x0000)
        #expect(DIMSEPriority.high.rawValue == 0x0001)
        #expect(DIMSEPriority(rawValue: 3) == nil)
    }
}
