import ActivationStore
import Foundation
import TestSupport
import XCTest

/// One task of a sharded extraction killed midway (SIGKILL, as Slurm's scancel ends with) and
/// run again resumes its shard store, and the merge ends in the same store as an uninterrupted
/// run. Local processes of the built binary; the Slurm self-test does the same with scancel.
final class ShardResumeTests: XCTestCase {
    func testKilledShardTaskResumesToTheSameMergedStore() throws {
        guard let binary = CLI.binary else { throw XCTSkip("the sinkscope binary is not built") }
        let root = temporaryDirectory("shard-resume")
        defer { try? FileManager.default.removeItem(at: root) }
        let model = try ShardMergeTests.tinyModel(in: root)
        let scenes = root.appendingPathComponent("scenes")
        _ = try CLI.output(["synth", "--out", scenes.path, "--count", "150", "--size", "32", "--quiet"])
        func extract(_ i: Int, into dir: String) -> [String] {
            ["extract", "--model", model.path, "--images", scenes.path, "--out", root.appendingPathComponent("\(dir)/shard-\(i)").path,
             "--shard", "\(i)/3", "--attention", "--threads", "1", "--shard-size", "1", "--batch", "1", "--quiet"]
        }

        // The reference: three tasks run to the end.
        for i in 0..<3 { XCTAssertEqual(try CLI.run(extract(i, into: "clean")).status, 0) }
        let clean = root.appendingPathComponent("clean-merged")
        XCTAssertEqual(try CLI.run(["merge"] + (0..<3).map { root.appendingPathComponent("clean/shard-\($0)").path } + ["--out", clean.path]).status, 0)

        // Task 1 killed once it has committed a few images.
        for i in [0, 2] { XCTAssertEqual(try CLI.run(extract(i, into: "run")).status, 0) }
        let part1 = root.appendingPathComponent("run/shard-1")
        let process = Process()
        process.executableURL = binary
        process.arguments = extract(1, into: "run")
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, process.isRunning, !FileManager.default.fileExists(atPath: part1.appendingPathComponent("shard-00005.safetensors").path) {
            usleep(2000)
        }
        XCTAssertTrue(process.isRunning, "task 1 finished before it could be killed; give it more images")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let held = try StoreReader(url: part1).images.count
        XCTAssertTrue((5..<50).contains(held), "task 1 holds \(held) of its 50 images")

        // The merge says what is missing, and refuses without --allow-partial.
        let parts = (0..<3).map { root.appendingPathComponent("run/shard-\($0)").path }
        let refused = try CLI.run(["merge"] + parts + ["--out", root.appendingPathComponent("early").path])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("shard 1/3 is an incomplete shard, \(held) of 50 images"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("early").path))

        // Run again: it resumes, and the merge equals the reference, byte for byte per image.
        let again = try CLI.run(extract(1, into: "run"))
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("extracted \(50 - held) images") && again.stdout.contains("\(held) already stored"), again.stdout)
        let merged = root.appendingPathComponent("merged")
        let result = try CLI.run(["merge"] + parts + ["--out", merged.path, "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let a = try StoreReader(url: clean), b = try StoreReader(url: merged)
        XCTAssertEqual(a.images, b.images)
        XCTAssertEqual(a.manifest.shards.count, 150)
        XCTAssertEqual(try ShardMergeTests.imageBits(a), try ShardMergeTests.imageBits(b))

        // A task resumed with another split is refused before it writes anything.
        let wrong = try CLI.run(["extract", "--model", model.path, "--images", scenes.path, "--out", part1.path, "--shard", "1/4", "--quiet"])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("it holds shard 1/3, not 1/4"), wrong.stderr)
    }
}
