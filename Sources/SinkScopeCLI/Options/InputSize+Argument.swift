import ArgumentParser
import VisionModels

/// `--image-size HxW`: one input size for every image of a store (e.g. `448x448`). Whether the sides
/// fit the model (multiples of 28 for Qwen2.5-VL, of the patch size for others) is checked when the
/// model is loaded, with the nearest valid sizes in the error.
///
/// Example:
///     sinkscope extract --model models/qwen2.5-vl-3b --images photos --out runs/qwen --image-size 448x448
extension InputSize: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
