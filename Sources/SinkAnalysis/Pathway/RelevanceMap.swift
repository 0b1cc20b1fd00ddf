import Foundation

/// One image's LLM attention laid back onto the ViT patch grid: the share of each visual token,
/// averaged over the LLM layers with attention, next to its ViT norm and the sinks of both kinds.
public struct RelevanceMap: Sendable, Codable, Equatable {
    public var image: Int
    public var imageID: String
    /// `[rows, cols]`.
    public var grid: [Int]
    /// `[P]` mean share over LLM layers, row-major over the grid.
    public var share: [Double]
    /// `[P]` ViT norm.
    public var vitNorm: [Double]
    /// Patch indices of the ViT sinks and of the LLM-emerged sinks.
    public var vitSinks: [Int]
    public var emergedSinks: [Int]

    enum CodingKeys: String, CodingKey {
        case image, grid, share
        case imageID = "image_id"
        case vitNorm = "vit_norm"
        case vitSinks = "vit_sinks"
        case emergedSinks = "emerged_sinks"
    }

    /// The images to draw: those with ViT sinks first (in store order), then the others, `count` in all.
    static func chooseImages(groups: [VisualTokenGroup], imageCount n: Int, visualTokens p: Int, count: Int) -> [Int] {
        let withSinks = (0..<n).filter { i in groups[(i * p)..<((i + 1) * p)].contains(.vitSink) }
        let others = (0..<n).filter { !withSinks.contains($0) }
        return Array((withSinks + others).prefix(count))
    }
}
