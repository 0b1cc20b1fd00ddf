import ActivationStore
import Foundation
import TestSupport
import XCTest

final class StoreMasksTests: XCTestCase {
    func testMasksRoundTripAndReplaceAtomically() throws {
        let url = temporaryDirectory().appendingPathComponent("store")
        try Synthetic.writeStore(at: url, count: 5, perShard: 2)
        let store = try StoreReader(url: url)
        let t = Synthetic.model.tokens
        let mask2 = (0..<(5 * t)).map { UInt8($0 % 3 == 0 ? 1 : 0) }
        let mask4 = (0..<(5 * t)).map { UInt8($0 % 5 == 0 ? 1 : 0) }
        try store.writeMasks(method: "norm", parameters: ["tau": "100"], masks: [2: mask2, 4: mask4])
        XCTAssertEqual(store.maskMethods, ["norm"])
        XCTAssertEqual(try store.mask(method: "norm", layer: 2), mask2)
        XCTAssertEqual(try store.mask(method: "norm", layer: 4, images: [4, 1]), Array(mask4[(4 * t)..<(5 * t)] + mask4[t..<(2 * t)]))
        let reopened = try StoreReader(url: url)
        XCTAssertEqual(reopened.manifest.masks["norm"]?.parameters, ["tau": "100"])
        XCTAssertEqual(reopened.manifest.masks["norm"]?.files.count, 3)
        let firstFiles = reopened.manifest.masks["norm"]!.files

        // Rewriting replaces the masks and removes the old files, only after the new manifest is in place.
        try reopened.writeMasks(method: "norm", parameters: ["tau": "50"], masks: [2: mask4])
        XCTAssertEqual(try StoreReader(url: url).mask(method: "norm", layer: 2), mask4)
        XCTAssertEqual(try reopened.mask(method: "norm", layer: 2), mask4)
        for file in firstFiles { XCTAssertFalse(FileManager.default.fileExists(atPath: url.appendingPathComponent(file).path)) }
        XCTAssertThrowsError(try reopened.mask(method: "norm", layer: 4)) { XCTAssertTrue("\($0)".contains("'norm' sink mask for layer 4"), "\($0)") }
    }

    func testBadMaskRequests() throws {
        let url = temporaryDirectory().appendingPathComponent("store")
        try Synthetic.writeStore(at: url, count: 2)
        let store = try StoreReader(url: url)
        let t = Synthetic.model.tokens
        XCTAssertThrowsError(try store.mask(method: "topk", layer: 2)) { XCTAssertTrue("\($0)".contains("no 'topk' sink masks (methods present: none; run detect first)"), "\($0)") }
        XCTAssertThrowsError(try store.writeMasks(method: "a.b", parameters: [:], masks: [2: [UInt8](repeating: 0, count: 2 * t)]))
        XCTAssertThrowsError(try store.writeMasks(method: "norm", parameters: [:], masks: [1: [UInt8](repeating: 0, count: 2 * t)])) {
            XCTAssertTrue("\($0)".contains("layer 1 is not a captured layer"), "\($0)")
        }
        XCTAssertThrowsError(try store.writeMasks(method: "norm", parameters: [:], masks: [2: [0, 1]])) { XCTAssertTrue("\($0)".contains("expected n×T = 2×7"), "\($0)") }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasPrefix("masks") }, [])
    }
}
