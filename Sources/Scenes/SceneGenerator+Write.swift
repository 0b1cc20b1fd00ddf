import Support
import Images
import Foundation

/// What `SceneGenerator.write` produced (printed by `sinkscope synth`, `--json` for scripts).
public struct SynthSummary: Codable, Sendable, Equatable {
    public var directory: String
    public var count: Int
    public var seed: UInt64
    public var size: Int
    public var labelColumns: [String]
    public var files: [String]
}

extension SceneGenerator {
    /// Writes `count` images `synth-NNNNN.png` and `labels.csv`, `labels.md`, `scenes.json`
    /// into `directory`.
    ///
    /// Atomic: everything is written into a hidden sibling directory which is renamed to
    /// `directory` at the end, so an interrupted run leaves no half-filled output. `directory`
    /// must not exist or be empty.
    ///
    /// - Throws: `ImageError.invalidSetting` for `count` outside 1...100000, `.writeFailed`
    ///   naming the path for a non-empty `directory` or a file-system failure.
    public func write(count: Int, to directory: URL, progress: ProgressBar? = nil) throws -> SynthSummary {
        guard (1...100_000).contains(count) else {
            throw ImageError.invalidSetting(name: "count", value: "\(count)", expected: "1...100000 images")
        }
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: directory.path, isDirectory: &isDirectory)
        if exists {
            let contents = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? ["?"]
            guard isDirectory.boolValue, contents.isEmpty else {
                throw ImageError.writeFailed(path: directory.path, reason: "it exists and is not an empty directory; choose a new --out or remove it")
            }
        }
        let parent = directory.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(directory.lastPathComponent).partial-\(UUID().uuidString)")
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw ImageError.writeFailed(path: staging.path, reason: "cannot create the directory (\(error.localizedDescription))")
        }
        do {
            let specs = self.specs(count: count)
            for spec in specs {
                try write(try png(spec), to: staging.appendingPathComponent(spec.id + ".png"))
                progress?.advance()
            }
            progress?.finish()
            try write(Array(SceneLabels.markdown.utf8) + [10], to: staging.appendingPathComponent("labels.md"))
            let encoder = JSONCoding.encoder(pretty: false, snakeCaseKeys: true)
            let scenes = try encoder.encode(specs)
            try write([UInt8](scenes) + [10], to: staging.appendingPathComponent("scenes.json"))
            try write(Array(Self.csv(specs).utf8), to: staging.appendingPathComponent("labels.csv"))
            if exists { try fm.removeItem(at: directory) }
            try fm.moveItem(at: staging, to: directory)
        } catch {
            try? fm.removeItem(at: staging)
            if let e = error as? ImageError { throw e }
            throw ImageError.writeFailed(path: directory.path, reason: error.localizedDescription)
        }
        return SynthSummary(
            directory: directory.path, count: count, seed: seed, size: size, labelColumns: SceneSpec.labelColumns,
            files: ["\(Self.id(0)).png ... \(Self.id(count - 1)).png", "labels.csv", "labels.md", "scenes.json"])
    }

    /// `labels.csv`: the header `SceneSpec.labelColumns`, one row per image (no value needs quoting).
    public static func csv(_ specs: [SceneSpec]) -> String {
        ([SceneSpec.labelColumns] + specs.map(\.labelValues)).map { $0.joined(separator: ",") + "\n" }.joined()
    }

    private func write(_ bytes: [UInt8], to url: URL) throws {
        do {
            try Data(bytes).write(to: url)
        } catch {
            throw ImageError.writeFailed(path: url.path, reason: error.localizedDescription)
        }
    }
}
