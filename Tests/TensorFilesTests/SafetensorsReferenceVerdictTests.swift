import Foundation
import TestSupport
import XCTest
@testable import TensorFiles

/// SinkScope reads a safetensors file exactly when the reference implementation does, on the
/// reference's own test files (`SafetensorsReferenceVectors`).
final class SafetensorsReferenceVerdictTests: XCTestCase {
    func testEveryVerdictEqualsTheReference() throws {
        let dir = temporaryDirectory()
        for (i, vector) in SafetensorsReferenceVectors.all.enumerated() {
            let url = dir.appendingPathComponent("\(i).safetensors")
            try SafetensorsReferenceVectors.write(vector, to: url)
            do {
                _ = try SafetensorsFile(url: url)
                XCTAssertTrue(vector.accepted, "\(vector.name): SinkScope reads a file the reference refuses")
            } catch let error as TensorFileError {
                XCTAssertFalse(vector.accepted, "\(vector.name): SinkScope refuses a file the reference reads: \(error)")
                XCTAssertTrue(error.description.hasPrefix(url.path + ": "), "\(vector.name): the sentence names the file: \(error)")
            }
        }
    }

    func testPolyglotRefusalSaysWhatIsLeftOver() throws {
        let vector = SafetensorsReferenceVectors.all.first { $0.name.contains("polyglot") }!
        let url = temporaryDirectory().appendingPathComponent("polyglot.safetensors")
        try SafetensorsReferenceVectors.write(vector, to: url)
        XCTAssertThrowsError(try SafetensorsFile(url: url)) { error in
            XCTAssertEqual(error as? TensorFileError, .uncoveredData(file: url.path, bytes: 16..<50, after: "test"))
            XCTAssertTrue("\(error)".contains("bytes 16..<50 of the data region (34 bytes after tensor 'test') belong to no tensor"), "\(error)")
        }
    }

    func testGapsBetweenTensorsAndBytesBeforeTheFirstAreRefused() throws {
        // The reference's rule (`Metadata::validate`): sorted by offsets, each tensor starts where
        // the previous one ended.
        let gap = SafetensorsReferenceVectors.file(#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}}"#, data: [UInt8](repeating: 1, count: 6))
        let lead = SafetensorsReferenceVectors.file(#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}"#, data: [UInt8](repeating: 1, count: 4))
        // A zero-size tensor inside another's bytes: the reference sorts [0,4] before [2,2] and refuses.
        let inside = SafetensorsReferenceVectors.file(#"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"z":{"dtype":"U8","shape":[0],"data_offsets":[2,2]}}"#, data: [UInt8](repeating: 1, count: 4))
        // Zero-size tensors at the ends are fine.
        let ends = SafetensorsReferenceVectors.file(#"{"z0":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"z1":{"dtype":"F32","shape":[0,3],"data_offsets":[4,4]}}"#, data: [UInt8](repeating: 1, count: 4))
        let dir = temporaryDirectory()
        for (name, bytes, accepted) in [("gap", gap, false), ("lead", lead, false), ("inside", inside, false), ("ends", ends, true)] {
            let url = dir.appendingPathComponent("\(name).safetensors")
            try Data(bytes).write(to: url)
            XCTAssertEqual((try? SafetensorsFile(url: url)) != nil, accepted, name)
        }
    }

    func testTheWriterRefusesAHeaderTheReaderWouldRefuse() throws {
        // test_invalid_header_size_serialization: metadata larger than the 100 MB header limit.
        let url = temporaryDirectory().appendingPathComponent("huge.safetensors")
        let big = String(repeating: "a", count: SafetensorsHeader.maximumHeaderLength)
        XCTAssertThrowsError(try SafetensorsWriter.write([], metadata: ["very_large_metadata": big], to: url)) { error in
            XCTAssertTrue("\(error)".contains("100000000-byte limit"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
    }

    func testRewritingAMappedFileLeavesTheOpenMappingIntact() throws {
        // test_serialize_to_file_same_path_with_active_mmap: the writer replaces the file by rename.
        let url = temporaryDirectory().appendingPathComponent("w.safetensors")
        try SafetensorsWriter.write([("w", Tensor(floats: [1, 2], shape: [2]))], to: url)
        let open = try SafetensorsFile(url: url)
        try SafetensorsWriter.write([("w", Tensor(floats: [3, 4], shape: [2]))], to: url)
        XCTAssertEqual(try open.floats("w"), [1, 2])
        XCTAssertEqual(try SafetensorsFile(url: url).floats("w"), [3, 4])
    }

    /// The table above is the reference's verdict, not our reading of it: the Python package
    /// (the reference's Rust parser) opens every vector and must agree.
    func testTheReferenceItselfAgreesWithTheTable() throws {
        try Python.require(["safetensors"])
        let dir = temporaryDirectory()
        var lines: [String] = []
        for (i, vector) in SafetensorsReferenceVectors.all.enumerated() {
            let url = dir.appendingPathComponent("\(i).safetensors")
            try SafetensorsReferenceVectors.write(vector, to: url)
            lines.append("\(url.path)\t\(vector.accepted ? 1 : 0)\t\(vector.name)")
        }
        let list = dir.appendingPathComponent("vectors.tsv")
        try lines.joined(separator: "\n").write(to: list, atomically: true, encoding: .utf8)
        let script = """
        import sys
        from safetensors import safe_open
        bad = []
        for line in open(sys.argv[1]):
            path, expected, name = line.rstrip("\\n").split("\\t")
            try:
                with safe_open(path, framework="numpy") as f:
                    f.keys()
                verdict = 1
            except Exception:
                verdict = 0
            if verdict != int(expected):
                bad.append(f"{name}: the reference {'reads' if verdict else 'refuses'} it")
        print("\\n".join(bad) if bad else "ok")
        """
        let (status, output) = try Python.run(["-c", script, list.path])
        XCTAssertEqual(status, 0, output)
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "ok")
    }
}
