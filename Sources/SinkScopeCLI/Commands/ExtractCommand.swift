import ActivationStore
import ArgumentParser
import Foundation
import SinkAnalysis
import TensorFiles
import VisionModels

/// `sinkscope extract --model MODEL --images DIR|LIST --out STORE`: run a ViT over images into a store.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Run a ViT (DINOv2, CLIP, SigLIP, InternViT, ... or an LVLM's vision tower) over images and store every layer's tokens.",
        discussion: """
            --model dinov2-small is the built-in DINOv2 ViT-S/14, converted once from the ONNX file \
            scripts/setup.sh fetches into ~/.cache/sinkscope/models/dinov2-small (see its \
            conversion.json). Any other value is a HuggingFace model folder: config.json and \
            model.safetensors, or model.safetensors.index.json and its shards (F32, F16 or BF16, \
            memory-mapped). Its config.json model_type is one of:
              towers: dinov2, dinov2_with_registers, dinov3_vit, vit, clip,
                      clip_vision_model, siglip, siglip_vision_model,
                      internvl_vision, qwen2_5_vl_vision
              LVLMs:  llava, llava_next (CLIP), llava_onevision, paligemma (SigLIP),
                      internvl (InternViT), qwen2_5_vl

            From an LVLM folder only the vision tower's tensors are read (the LLM's shards are never \
            loaded), and the store's manifest records what reaches the LLM: the layer it sees \
            (vision_feature_layer), the select strategy and any token merge ('sinkscope inspect \
            FOLDER' prints them before you extract). Preprocessing is the folder's own HF image \
            processor from its preprocessor_config.json (an LVLM's: LLaVA-NeXT's and OneVision's base \
            image, never the AnyRes tiles; InternVL's 448 base image), or defaults at the tower's \
            image_size (docs/preprocessing.md).

            Layers: hidden.0 is the embedding output, hidden.l the output of block l (HF \
            hidden_states[l], before any final LayerNorm). --attention stores received.{l} \
            (head-mean column sum of the attention probabilities, l = 1..L); --keep-attention also \
            stores the whole maps attn.{l} [n, H, T, T]. --capture values stores value_norm.{l} and \
            value_out.{l} [n, T] (l = 1..L): each token's head-mean value norm and the norm of what it \
            adds to the attention output, averaged over the queries (see docs/store.md). Rerunning with the same --out resumes: images \
            already stored are skipped. Image ids are file names without extension.

            --shard I/N extracts only part I (0-based) of N of the image list (a directory's files \
            sorted by name, or a list file's lines in order): list positions I*M/N ..< (I+1)*M/N of \
            M images. Each part is its own store, resumed by rerunning the same command; \
            'sinkscope merge' joins them (see docs/scale.md for running the parts as a Slurm job array).

            Examples:
              sinkscope extract --model dinov2-small \\
                --images ~/.cache/sinkscope/photos --out runs/photos --attention
              sinkscope extract --model path/to/clip-vit-base-patch32 --images list.txt \\
                --out runs/clip --labels labels.csv --layers 0,4,8,12 --dtype f32 \\
                --batch 4 --threads 2 --skip-bad
              sinkscope extract --model dinov2-small --images list.txt \\
                --out runs/parts/shard-1 --shard 1/3 --threads 1
              sinkscope inspect ~/models/llava-1.5-7b-hf
              sinkscope extract --model ~/models/llava-1.5-7b-hf \\
                --images ~/.cache/sinkscope/photos --out runs/llava-eyes --attention
              sinkscope extract --model ~/models/siglip-so400m-patch14-384 \\
                --images photos --out runs/siglip-448 --image-size 448x448
            """)

    @Option(help: "dinov2-small (built in), or the path of a HuggingFace tower or LVLM checkpoint folder (model types above).")
    var model: String

    @Option(help: "A directory of images (.png .jpg .gif .bmp .webp) or a text file with one path per line.")
    var images: String

    @Option(help: "A labels CSV with a header 'image,<column>,...'.")
    var labels: String?

    @Option(help: "Hidden-state layers to store: 'all' or a comma list such as 0,4,8.")
    var layers: LayerSelection = .all

    @Flag(help: "Store the attention received by each token, received.{l} [n, T].")
    var attention = false

    @Flag(help: "Also store whole attention maps attn.{l} [n, H, T, T] (large; implies --attention).")
    var keepAttention = false

    @Option(help: "Hidden-state dtype in the store: f16 or f32.")
    var dtype: String = "f16"

    @Option(help: "Images per forward pass (default: about 2048 tokens per batch, e.g. 8 at 224 px with patch 14, 4 at 336).")
    var batch: Int?

    @Option(help: "Threads for BLAS, decoding and attention.")
    var threads: Int = 2

    @Flag(help: "Skip files that are not decodable images and list them in the summary.")
    var skipBad = false

    @Option(help: "Extract only part I of N of the image list (0 <= I < N), e.g. 2/8.",
            transform: { try ShardSpec(parsing: $0) })
    var shard: ShardSpec?

    @Option(help: "Images per shard file (the manifest is committed after each; default: about 64 MiB per file, in whole batches).")
    var shardSize: Int?

    @Option(help: ArgumentHelp(
        "Resize every image to exactly HxW, e.g. 448x448 (multiples of 28 for Qwen2.5-VL, of the patch size otherwise).",
        discussion: "A store has one patch grid; per-image sizes (Qwen's smart_resize per image) are not supported. Default: the model's preprocessing (Qwen2.5-VL: smart_resize of a 448x448 square).",
        valueName: "HxW"))
    var imageSize: InputSize?

    @OptionGroup var captureOptions: CaptureOptions

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if let batch, batch < 1 { throw ValidationError("--batch must be at least 1, got \(batch).") }
        if let shardSize, shardSize < 1 { throw ValidationError("--shard-size must be at least 1, got \(shardSize).") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads).") }
        guard dtype == "f16" || dtype == "f32" else { throw ValidationError("--dtype must be f16 or f32, got '\(dtype)'.") }
    }

    /// nil for "all", else the listed layers sorted without repeats (checked against the model when it is loaded).
    var chosenLayers: [Int]? {
        layers.layers.map { Array(Set($0)).sorted() }
    }

    /// The text `run()` prints (the summary, or JSON with --json).
    func output() throws -> String {
        var config = ExtractionConfig(
            model: model, images: URL(fileURLWithPath: images), output: outputOptions.url,
            labels: labels.map { URL(fileURLWithPath: $0) }, layers: chosenLayers, receivedAttention: attention,
            keepAttention: keepAttention, hiddenDType: dtype == "f32" ? .f32 : .f16, batchSize: batch, threads: threads,
            skipBad: skipBad, imagesPerShard: shardSize, progress: outputOptions.progress, cache: EnvironmentSettings.cache,
            shard: shard)
        config.imageSize = imageSize
        captureOptions.apply(to: &config)
        return try outputOptions.render(try Extractor.run(config))
    }

    func run() throws {
        print(try output())
    }
}

extension ExtractionSummary: CommandOutput {
    var tableText: String { text }
}
