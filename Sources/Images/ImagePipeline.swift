import Foundation

/// File → model input in one call: `ImageDecoder` then `Preprocessor`. What an extraction
/// runs per image (from several threads at once if it likes; both parts are value types).
///
///     let pipeline = ImagePipeline(preprocessor: try .load(modelDirectory: folder, architecture: "dinov2"))
///     for item in try ImageSource(path: images).items {
///         do { let x = try pipeline.pixels(item.url) }            // [3, H, W] Float32
///         catch let e as ImageError where e.isBadImageFile {      // --skip-bad
///             skipped.append(SkippedImage(id: item.id, error: e))
///         }
///     }
public struct ImagePipeline: Sendable {
    public var decoder: ImageDecoder
    public var preprocessor: Preprocessor

    public init(decoder: ImageDecoder = ImageDecoder(), preprocessor: Preprocessor) {
        self.decoder = decoder
        self.preprocessor = preprocessor
    }

    /// The model input for the file at `url`: `[3, H, W]` Float32, CHW, where
    /// `(W, H) = preprocessor.outputSize(...)` of the decoded image (224x224 for the defaults).
    ///
    /// - Throws: the decoder's `ImageError`s, each naming the file.
    public func pixels(_ url: URL) throws -> [Float] {
        preprocessor.pixels(try decoder.decode(contentsOf: url))
    }
}

/// An image an extraction skipped (`--skip-bad`), for its summary.
public struct SkippedImage: Codable, Sendable, Equatable {
    public var id: String
    public var path: String
    /// The one-sentence reason (`ImageError.description`).
    public var reason: String

    public init(id: String, error: ImageError) {
        self.id = id
        self.path = error.path
        self.reason = error.description
    }
}
