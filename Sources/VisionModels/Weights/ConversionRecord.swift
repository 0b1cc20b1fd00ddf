/// How a model folder was produced from a foreign file, written next to the weights as
/// `conversion.json` so no transform is silent: every output tensor lists its source and the
/// exact operation applied.
public struct ConversionRecord: Codable, Sendable, Equatable {
    public struct Step: Codable, Sendable, Equatable {
        /// HF parameter name written to model.safetensors.
        public var target: String
        /// Where the values came from in the source file.
        public var source: String
        /// "copy", "transpose [in, out] -> [out, in]", "concatenate ..." — what was done to them.
        public var transform: String
        public var shape: [Int]
    }

    public var converter: String
    public var sourceFile: String
    public var sourceBytes: Int
    /// Facts read from the source graph that the config is built from (eps, heads, activation...).
    public var derivedConfig: [String: String]
    /// Parts of the source that were deliberately not converted, and why.
    public var ignored: [String]
    public var steps: [Step]

    enum CodingKeys: String, CodingKey {
        case converter, sourceFile = "source_file", sourceBytes = "source_bytes"
        case derivedConfig = "derived_config", ignored, steps
    }
}
