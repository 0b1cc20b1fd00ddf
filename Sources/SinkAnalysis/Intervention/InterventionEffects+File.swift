import Foundation

extension InterventionEffects {
    /// The file `sinkscope intervene` writes beside the intervened store's manifest.
    public static let fileName = "effects.json"

    /// The effects file of the store at `store`, or nil when the store was not made by an intervention.
    /// - Throws: when the file exists but is not an effects file (the decoder's error).
    public static func read(store: URL) throws -> InterventionEffects? {
        let url = store.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let decoder = JSONDecoder()
        // intervene writes snake_case keys; NaN/inf as Python spells them (see JSONCoding).
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(InterventionEffects.self, from: Data(contentsOf: url))
    }
}
