/// Tensor keys and file names of the store, in one place.
///
/// Shapes (n = images in the shard): `hidden.{l}` [n, T, D] f16|f32; `norm` [n, L+1, T] f32;
/// `received.{l}` [n, T] f32; `attn.{l}` [n, H, T, T] f32; `sink.{method}.{l}` [n, T] u8.
public enum StoreKeys {
    public static let manifest = "manifest.json"
    public static func hidden(_ layer: Int) -> String { "hidden.\(layer)" }
    public static let norm = "norm"
    public static func received(_ layer: Int) -> String { "received.\(layer)" }
    public static func attention(_ layer: Int) -> String { "attn.\(layer)" }
    public static func mask(_ method: String, _ layer: Int) -> String { "sink.\(method).\(layer)" }
    /// `[n, M, D_llm]` f32: what a tower's patch merger hands the language model (`Manifest.merged`).
    public static let merged = "merged"

    /// `shard-00012.safetensors`.
    public static func shardFile(_ index: Int) -> String { "shard-" + padded(index) + ".safetensors" }
    /// `masks-norm-1a2b3c4d-00012.safetensors`; the generation tag makes every rewrite use new
    /// names, so the old files stay intact until the new manifest is in place.
    public static func maskFile(_ method: String, generation: String, shard: Int) -> String {
        "masks-\(method)-\(generation)-" + padded(shard) + ".safetensors"
    }

    /// Detection method names become parts of keys and file names: letters, digits, `_`, `-`.
    public static func isValidMethodName(_ method: String) -> Bool {
        !method.isEmpty && method.count <= 64 && method.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
    }

    /// A file name listed in a manifest must be a plain name inside the store directory.
    static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("/") && name != "." && name != ".." && !name.hasPrefix(".")
    }

    private static func padded(_ i: Int) -> String {
        let s = String(i)
        return String(repeating: "0", count: max(0, 5 - s.count)) + s
    }
}
