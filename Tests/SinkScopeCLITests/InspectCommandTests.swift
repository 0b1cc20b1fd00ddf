import ActivationStore
import Foundation
import TestSupport
import XCTest
@testable import SinkScopeCLI

final class InspectCommandTests: XCTestCase {
    override func setUp() { setenv("SINKSCOPE_NO_PROGRESS", "1", 1) }

    func testInspectOnAStorePrintsModelLayersAndImages() throws {
        let store = temporaryDirectory().appendingPathComponent("store").path
        _ = try CLI.output(["import", CLI.exampleDump, "--out", store, "--labels", CLI.exampleLabels, "--model-name", "toy-vit", "--shard-size", "3"])
        let text = try CLI.output(["inspect", store])
        XCTAssertTrue(text.contains("model: toy-vit (imported), L=3 blocks, D=32, H=2, T=17 = 1 prefix + 4x4 patches"), text)
        XCTAssertTrue(text.contains("layers: 0, 1, 2, 3 (hidden F16); received attention: 1, 2, 3"), text)
        XCTAssertTrue(text.contains("images: 4 in 2 shards (first: red_square, blue_circle, red_circle, blue_square)"), text)
        XCTAssertTrue(text.contains("labels: color, shape"), text)
        XCTAssertTrue(text.contains("hidden.3    F16  [4, 17, 32]"), text)
        XCTAssertTrue(text.contains("norm        F32  [4, 4, 17]"), text)

        let json = try JSONSerialization.jsonObject(with: Data(try CLI.output(["inspect", store, "--json"]).utf8)) as! [String: Any]
        XCTAssertEqual(json["kind"] as? String, "store")
        XCTAssertEqual(json["image_count"] as? Int, 4)
        XCTAssertEqual(json["captured_layers"] as? [Int], [0, 1, 2, 3])
        XCTAssertEqual((json["model"] as? [String: Any])?["name"] as? String, "toy-vit")
    }

    func testInspectShowsMasksAfterTheyAreWritten() throws {
        let store = temporaryDirectory().appendingPathComponent("store")
        _ = try CLI.output(["import", CLI.exampleDump, "--out", store.path])
        try StoreReader(url: store).writeMasks(method: "norm", parameters: ["tau": "30"], masks: [2: [UInt8](repeating: 0, count: 4 * 17)])
        let text = try CLI.output(["inspect", store.path])
        XCTAssertTrue(text.contains("masks: norm (layers 2)"), text)
        XCTAssertTrue(text.contains("sink.norm.2  U8   [4, 17]"), text)
    }

    func testInspectOnTensorFiles() throws {
        let text = try CLI.output(["inspect", CLI.exampleDump])
        XCTAssertTrue(text.contains("npz, 3 arrays"), text)
        XCTAssertTrue(text.contains("hidden_states  F32   [4, 4, 17, 32]"), text)
        XCTAssertTrue(text.contains("attentions     F32   [3, 4, 2, 17, 17]"), text)
        XCTAssertTrue(text.contains("image_ids      str(<U11) [4]"), text)
        let st = try CLI.output(["inspect", Fixtures.url("tensorfiles/all_dtypes.safetensors").path])
        XCTAssertTrue(st.contains("safetensors, 9 arrays") && st.contains("bool") && st.contains("metadata origin = make_tensorfile_fixtures.py"), st)
        let npy = try CLI.output(["inspect", Fixtures.url("tensorfiles/fortran_f8.npy").path, "--json"])
        XCTAssertTrue(npy.contains("\"format\" : \"npy\"") && npy.contains("\"F64\""), npy)
    }

    func testBadInputsGiveOneSentenceAndNonZeroExit() throws {
        let dir = temporaryDirectory()
        let truncated = dir.appendingPathComponent("truncated.safetensors")
        try Data([1, 2, 3]).write(to: truncated)
        XCTAssertThrowsError(try CLI.output(["inspect", truncated.path])) { error in
            XCTAssertEqual(CLI.message(error), "\(truncated.path): the file is truncated: the 8-byte header length needs 8 bytes but only 3 are there.")
        }
        XCTAssertThrowsError(try CLI.output(["inspect", dir.path])) { XCTAssertTrue(CLI.message($0).contains("not a SinkScope store"), CLI.message($0)) }
        XCTAssertThrowsError(try CLI.output(["inspect", dir.appendingPathComponent("nope.npz").path])) { XCTAssertTrue(CLI.message($0).contains("no such file"), CLI.message($0)) }

        let (status, stdout, stderr) = try CLI.run(["inspect", truncated.path])
        XCTAssertNotEqual(status, 0)
        XCTAssertEqual(stdout, "")
        XCTAssertEqual(stderr.trimmingCharacters(in: .whitespacesAndNewlines), "Error: \(truncated.path): the file is truncated: the 8-byte header length needs 8 bytes but only 3 are there.")
    }

    func testEveryBadTensorFileFailsCleanlyThroughTheBinary() throws {
        // Headers that lie: each must exit non-zero with one "Error: <file>: ..." line, no crash.
        let dir = temporaryDirectory()
        func safetensors(_ header: String, data: Int) -> Data {
            var h = Array(header.utf8)
            while h.count % 8 != 0 { h.append(0x20) }
            var length = UInt64(h.count).littleEndian
            return Data(bytes: &length, count: 8) + Data(h) + Data(count: data)
        }
        var hugeLength = UInt64(1 << 40).littleEndian
        let cases: [(String, Data, String)] = [
            ("long.safetensors", Data(bytes: &hugeLength, count: 8) + Data("{}".utf8), "is larger than the file"),
            ("notjson.safetensors", safetensors("hello world", data: 0), "is not JSON"),
            ("outside.safetensors", safetensors(#"{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: 4), "outside the data region"),
            ("overlap.safetensors", safetensors(#"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}"#, data: 6), "overlap"),
            ("mismatch.safetensors", safetensors(#"{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,4]}}"#, data: 4), "needs 8 bytes"),
            ("negative.safetensors", safetensors(#"{"x":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}}"#, data: 16), "negative"),
            ("overflow.safetensors", safetensors(#"{"x":{"dtype":"F32","shape":[9223372036854775807,2],"data_offsets":[0,16]}}"#, data: 16), "overflows"),
            ("magic.npy", Data("NOTNUMPY".utf8), "magic"),
        ]
        for (name, bytes, phrase) in cases {
            let url = dir.appendingPathComponent(name)
            try bytes.write(to: url)
            let (status, _, stderr) = try CLI.run(["inspect", url.path])
            XCTAssertEqual(status, 1, name)
            XCTAssertTrue(stderr.hasPrefix("Error: \(url.path): ") && stderr.contains(phrase), "\(name): \(stderr)")
            XCTAssertEqual(stderr.trimmingCharacters(in: .newlines).split(separator: "\n").count, 1, stderr)
        }
    }
}
