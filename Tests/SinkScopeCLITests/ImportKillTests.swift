import ActivationStore
import Foundation
import TestSupport
import XCTest

/// A `sinkscope import` killed with SIGKILL in the middle of writing leaves the previous
/// complete store (or no store), never a manifest pointing at missing or partial shards.
final class ImportKillTests: XCTestCase {
    func testKilledImportLeavesThePreviousStore() throws {
        guard let binary = CLI.binary else { throw XCTSkip("the sinkscope binary is not built") }
        let dir = temporaryDirectory()
        let (layers, t, d) = (3, 17, 16)
        let small = dir.appendingPathComponent("small.npy"), big = dir.appendingPathComponent("big.npy")
        try DumpFiles.writeNPY(DumpFiles.values(layers * 2 * t * d, salt: 3), shape: [layers, 2, t, d], to: small)
        let n = 3000  // one shard per image: thousands of renames, so the kill lands mid-write
        try DumpFiles.writeNPY(DumpFiles.values(layers * n * t * d, salt: 4), shape: [layers, n, t, d], to: big)
        let store = dir.appendingPathComponent("store")
        _ = try CLI.output(["import", small.path, "--out", store.path, "--model-name", "m"])
        let manifest = try Data(contentsOf: store.appendingPathComponent("manifest.json"))
        let before = try StoreReader(url: store).hidden(layer: 2)

        // Resume into the committed store: both dumps name their images 0, 1, ..., so the
        // resumed import skips 0 and 1 and appends 2...n-1, one shard per image.
        let process = Process()
        process.executableURL = binary
        process.arguments = ["import", big.path, "--out", store.path, "--model-name", "m", "--resume", "--shard-size", "1", "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning, !FileManager.default.fileExists(atPath: store.appendingPathComponent("shard-00010.safetensors").path) {
            usleep(2000)
        }
        XCTAssertTrue(process.isRunning, "the import finished before it could be killed; make the input bigger")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)

        // New shards were on disk, but the manifest is the previous one, byte for byte.
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.appendingPathComponent("shard-00005.safetensors").path))
        XCTAssertEqual(try Data(contentsOf: store.appendingPathComponent("manifest.json")), manifest)
        let reader = try StoreReader(url: store)
        XCTAssertEqual(reader.images.map(\.id), ["0", "1"])
        XCTAssertEqual(try reader.hidden(layer: 2), before)

        // Resuming again works from the committed state and overwrites the orphaned shards.
        let medium = dir.appendingPathComponent("medium.npy")
        let values = DumpFiles.values(layers * 5 * t * d, salt: 6)
        try DumpFiles.writeNPY(values, shape: [layers, 5, t, d], to: medium)
        _ = try CLI.output(["import", medium.path, "--out", store.path, "--model-name", "m", "--resume", "--shard-size", "1"])
        let resumed = try StoreReader(url: store)
        XCTAssertEqual(resumed.images.map(\.id), ["0", "1", "2", "3", "4"])
        XCTAssertEqual(try resumed.hidden(layer: 2, images: [0, 1]), before)
        XCTAssertEqual(try resumed.hidden(layer: 2, images: [2, 3, 4]), Array(values[(2 * 5 * t * d + 2 * t * d)..<(3 * 5 * t * d)]))
    }

    func testKilledFirstImportLeavesNoStore() throws {
        guard let binary = CLI.binary else { throw XCTSkip("the sinkscope binary is not built") }
        let dir = temporaryDirectory()
        let big = dir.appendingPathComponent("big.npy")
        try DumpFiles.writeNPY(DumpFiles.values(2 * 3000 * 17 * 16, salt: 5), shape: [2, 3000, 17, 16], to: big)
        let store = dir.appendingPathComponent("store")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["import", big.path, "--out", store.path, "--shard-size", "1", "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning, !FileManager.default.fileExists(atPath: store.appendingPathComponent("shard-00003.safetensors").path) {
            usleep(2000)
        }
        XCTAssertTrue(process.isRunning, "the import finished before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertThrowsError(try StoreReader(url: store)) { XCTAssertTrue("\($0)".contains("not a SinkScope store"), "\($0)") }
        XCTAssertThrowsError(try CLI.output(["inspect", store.path]))
    }
}
