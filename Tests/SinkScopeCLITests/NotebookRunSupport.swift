import Images
import Foundation
import ReportKit
import TestSupport
import VisionModels
import XCTest

/// Runs a notebook of `Notebooks-md/` through the built binary, the way CI does, and hands its
/// outputs to the test: `run.json`, each command's stdout, the files under the output directory.
struct NotebookRunOutput {
    let out: URL
    let run: NotebookRun

    /// stdout of the command on the notebook line whose text contains `fragment` (the first match).
    func stdout(of fragment: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        for block in run.blocks {
            for command in block.commands where command.text.contains(fragment) { return command.stdout }
        }
        XCTFail("no command containing '\(fragment)' ran", file: file, line: line)
        return ""
    }

    /// Every command whose text contains `fragment`, in order.
    func commands(containing fragment: String) -> [CommandRun] {
        run.blocks.flatMap(\.commands).filter { $0.text.contains(fragment) }
    }

    var figures: [String] { run.blocks.flatMap(\.figures) }

    func url(_ relative: String) -> URL { out.appendingPathComponent(relative) }

    func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(relative)))
    }

    /// Asserts the PNG decodes (with libgd) to a non-trivial image; returns its size.
    @discardableResult
    func assertPNG(_ relative: String, file: StaticString = #filePath, line: UInt = #line) -> (Int, Int)? {
        do {
            let image = try ImageDecoder().decode(contentsOf: url(relative))
            XCTAssertGreaterThan(image.width, 50, relative, file: file, line: line)
            XCTAssertGreaterThan(image.height, 50, relative, file: file, line: line)
            return (image.width, image.height)
        } catch {
            XCTFail("\(relative) does not decode: \(error)", file: file, line: line)
            return nil
        }
    }
}

enum NotebookHarness {
    static let directory = Fixtures.repositoryRoot.appendingPathComponent("Notebooks-md")

    /// Runs `Notebooks-md/NAME.md` with `variables`, in the repository root, into a fresh
    /// temporary directory. Skips (naming it) when a command the notebook uses is not part of this
    /// build, or when `needsAssets` and `scripts/setup.sh` has not fetched the model and photos.
    static func run(_ name: String, variables: [String: String] = [:], needsAssets: Bool = true,
                    file: StaticString = #filePath, line: UInt = #line) throws -> NotebookRunOutput {
        let notebook = directory.appendingPathComponent("\(name).md")
        let parsed = try NotebookParser.parse(url: notebook)
        let used = Set(parsed.commandBlocks.flatMap(\.commands).compactMap(\.arguments.first))
        let available = try subcommands()
        let missing = used.subtracting(available).sorted()
        if !missing.isEmpty {
            throw XCTSkip("\(name) needs `sinkscope \(missing.joined(separator: "`, `sinkscope "))`, which this build does not have yet")
        }
        let files = parsed.commandBlocks.flatMap(\.commands).flatMap(\.arguments)
            .filter { $0.hasSuffix(".yaml") && !$0.contains("{{") }
        if let absent = files.first(where: { !FileManager.default.fileExists(atPath: Fixtures.repositoryRoot.appendingPathComponent($0).path) }) {
            throw XCTSkip("\(name) needs \(absent) (the default probe suites), which this checkout does not have yet")
        }
        if needsAssets {
            let resolver = ModelResolver(cache: Fixtures.cache)
            let photos = Fixtures.cache.appendingPathComponent("photos")
            guard FileManager.default.fileExists(atPath: resolver.onnxURL.path)
                    || FileManager.default.fileExists(atPath: resolver.builtInFolderURL.appendingPathComponent("model.safetensors").path),
                  FileManager.default.fileExists(atPath: photos.path) else {
                throw XCTSkip("\(name) needs the DINOv2 model and sample photos: run scripts/setup.sh")
            }
        }
        let out = temporaryDirectory("notebook-\(name)")
        var arguments = ["notebook", "run", notebook.path, "--out", out.path, "--workdir", Fixtures.repositoryRoot.path]
        for (key, value) in variables.sorted(by: { $0.key < $1.key }) { arguments += ["--var", "\(key)=\(value)"] }
        let result = try CLI.run(arguments)
        let runURL = out.appendingPathComponent("run.json")
        XCTAssertEqual(result.status, 0, "notebook \(name) failed: \(result.stderr.suffix(2000))", file: file, line: line)
        guard result.status == 0, let data = FileManager.default.contents(atPath: runURL.path) else {
            throw XCTSkip("notebook \(name) did not run; see the failure above")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let run = try decoder.decode(NotebookRun.self, from: data)
        XCTAssertNil(run.failure, file: file, line: line)
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertFalse(html.contains("src=\"http"), "the rendered notebook loads nothing from the network", file: file, line: line)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(name).md").path), file: file, line: line)
        return NotebookRunOutput(out: out, run: run)
    }

    /// The subcommand names this build's `sinkscope --help` lists.
    static func subcommands() throws -> Set<String> {
        let help = try CLI.run(["--help"]).stdout
        var names = Set<String>(), inSection = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") { inSection = true; continue }
            if inSection, let first = line.first, first != " " { inSection = false }
            if inSection, line.hasPrefix("  "), let word = line.split(separator: " ").first, !line.hasPrefix("    ") {
                names.insert(String(word))
            }
        }
        return names
    }

    /// A directory of symbolic links to the first `count` sample photos (sorted by name), so a
    /// notebook can run on fewer photos with `--var photos=DIR`.
    static func photoSubset(_ count: Int) throws -> URL {
        let photos = Fixtures.cache.appendingPathComponent("photos")
        let names = try FileManager.default.contentsOfDirectory(atPath: photos.path).filter { !$0.hasPrefix(".") }.sorted()
        let directory = temporaryDirectory("photos-\(count)")
        for name in names.prefix(count) {
            try FileManager.default.createSymbolicLink(
                at: directory.appendingPathComponent(name), withDestinationURL: photos.appendingPathComponent(name))
        }
        return directory
    }
}
