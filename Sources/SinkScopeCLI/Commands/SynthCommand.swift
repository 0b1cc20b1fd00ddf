import Support
import Scenes
import ActivationStore
import ArgumentParser
import Foundation
import VisionModels

/// `sinkscope synth`: writes labelled synthetic scenes for probe suites.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Draw labelled synthetic images whose global and local attributes vary independently.",
        discussion: """
            Writes DIR = --out: DIR/synth-00000.png ... and DIR/labels.csv (image,texture,orientation,palette,layout,\
            count,quadrant,object_color,object_shape,object_x,object_y), DIR/labels.md explaining each \
            label, and DIR/scenes.json with every object's position. Global attributes: background \
            texture, its orientation, palette, horizon position. Local: number of small objects (1-4), \
            quadrant, colour and shape of the one coloured object. The same --seed gives byte-identical \
            files. DIR must not exist or be empty; it appears only when complete.

            Example:
              sinkscope synth --out data/synth --count 300 --seed 0
              sinkscope extract --model dinov2-small --images data/synth \\
                --labels data/synth/labels.csv --out stores/synth
            """)

    @Option(name: .long, help: "How many images to draw (1-100000).")
    var count: Int

    @Option(name: .long, help: "Seed of the generator; the same seed gives the same files.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Width and height of each image in pixels (32-2048); 224 matches DINOv2/CLIP/ViT inputs, which then skip resizing.")
    var size: Int = 224

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard (1...100_000).contains(count) else { throw ValidationError("--count must be between 1 and 100000, got \(count).") }
        guard (32...2048).contains(size) else { throw ValidationError("--size must be between 32 and 2048 pixels, got \(size).") }
    }

    /// Draws the scenes and returns what `run()` prints.
    func output() throws -> String {
        let generator = try SceneGenerator(seed: seed, size: size)
        let bar = ProgressBar(total: count, unit: "images", label: "synth", enabled: outputOptions.progress)
        return try outputOptions.render(try generator.write(count: count, to: outputOptions.url, progress: bar))
    }

    func run() throws {
        print(try output())
    }
}

extension SynthSummary: CommandOutput {
    var tableText: String {
        """
        wrote \(count) images (\(size)x\(size), seed \(seed)) to \(directory)
        labels: \(directory)/labels.csv (\(labelColumns.dropFirst().joined(separator: ", ")))
        label meanings: \(directory)/labels.md
        """
    }

    func jsonText() throws -> String { try CommandJSON.text(self, style: CommandJSON.Style(snakeCaseKeys: true)) }
}
