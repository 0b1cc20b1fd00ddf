import Images
import ActivationStore
import Foundation
import Plotting

/// Finds and decodes the picture behind a store image and crops it the way the model saw it, so
/// the patch grid of a heatmap lies on the pixels each token came from.
struct GalleryImageSource: Sendable {
    let storeURL: URL
    let imagesDirectory: URL?
    let geometry: Preprocessor?
    /// The grid's aspect (columns / rows) for placeholders and for images without geometry.
    let model: ModelInfo
    /// One sentence about how images were fitted to the grid.
    let geometryNote: String

    init(store: StoreReader, imagesDirectory: URL?) {
        storeURL = store.url
        self.imagesDirectory = imagesDirectory
        model = store.model
        (geometry, geometryNote) = Self.preprocessor(store.manifest.preprocessing, architecture: store.model.architecture)
    }

    /// The model-input picture of `entry`, or a grey placeholder and the reason. Every existing
    /// candidate file is tried in turn (an imported store's source is its dump file, not an image).
    func load(_ entry: ImageEntry) -> (image: RGBImage, file: String?, note: String?) {
        let existing = candidateFiles(entry).filter { FileManager.default.fileExists(atPath: $0.path) }
        for url in existing where Self.looksLikeImage(url) {
            guard let decoded = try? ImageDecoder().decode(contentsOf: url) else { continue }
            let image = geometry?.geometry(decoded) ?? decoded
            let side = model.imageSize > 0 && geometry == nil ? model.imageSize : 0
            return (side > 0 ? image.resampled(width: side, height: max(1, side * gridRows / gridColumns)) : image, url.path, nil)
        }
        let looked = "the manifest source" + (imagesDirectory == nil ? "" : " and the --images directory")
        if existing.isEmpty {
            return (placeholder(), nil, "No image file was found (looked at \(looked)); a grey placeholder is shown.")
        }
        return (placeholder(), nil, existing.map(\.lastPathComponent).joined(separator: ", ")
            + " could not be decoded as an image; a grey placeholder is shown.")
    }

    /// Reads only the first bytes: an imported store's source is its dump file, which can be
    /// gigabytes and must not be read whole just to learn it is not an image.
    static func looksLikeImage(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 32)) ?? Data()
        return ImageFormat.sniff([UInt8](head)) != nil
    }

    var gridRows: Int { max(model.grid.first ?? 1, 1) }
    var gridColumns: Int { max(model.grid.last ?? 1, 1) }

    /// Mid grey at the grid's aspect.
    func placeholder() -> RGBImage {
        let w = 224, h = max(1, 224 * gridRows / gridColumns)
        return RGBImage(width: w, height: h, fill: RGB(190, 190, 190))
    }

    /// The manifest source as given, relative to the working directory and to the store's
    /// folder; then the --images directory by source file name and by id.
    func candidateFiles(_ entry: ImageEntry) -> [URL] {
        var out: [URL] = []
        let source = entry.source
        if !source.isEmpty {
            if source.hasPrefix("/") { out.append(URL(fileURLWithPath: source)) } else {
                out.append(URL(fileURLWithPath: source))
                out.append(storeURL.deletingLastPathComponent().appendingPathComponent(source))
            }
        }
        if let dir = imagesDirectory {
            let name = (source as NSString).lastPathComponent
            if !name.isEmpty { out.append(dir.appendingPathComponent(name)) }
            // Ids are user text: only a plain file name may be looked up, never a path.
            if !entry.id.contains("/"), entry.id != "..", entry.id != "." {
                out.append(dir.appendingPathComponent(entry.id))
                for ext in ["png", "jpg", "jpeg", "webp", "bmp", "gif"] {
                    out.append(dir.appendingPathComponent(entry.id + "." + ext))
                }
            }
        }
        return out.filter { !$0.hasDirectoryPath && !isDirectory($0) }
    }

    private func isDirectory(_ url: URL) -> Bool {
        var dir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &dir) && dir.boolValue
    }

    /// Resize and crop from the manifest's `preprocessing` entry (as `extract` records it), else
    /// the architecture's defaults, else nothing (the image is stretched to the input size).
    static func preprocessor(_ entry: [String: String]?, architecture: String) -> (Preprocessor?, String) {
        if let e = entry, let resize = e["resize"], let crop = e["center_crop"] {
            var p = Preprocessor.defaults(for: .dinov2)
            if let size = size(resize) { p.doResize = true; p.size = size } else { p.doResize = false }
            if let c = size(crop), c.height != nil { p.doCenterCrop = true; p.cropSize = c } else { p.doCenterCrop = false }
            let filter = e["resample"].flatMap { name in ResampleFilter.allCases.first { name.hasPrefix($0.name) } }
            p.resample = filter ?? .bicubic
            p.passThroughAtTargetSize = e["pass_through_at_target_size"] == "true"
            return (p, "Images are resized and cropped as the store's preprocessing records (resize \(resize), crop \(crop)).")
        }
        if let p = try? Preprocessor.defaults(architecture: architecture) {
            return (p, "The store records no preprocessing; images are resized and cropped with the \(architecture) defaults.")
        }
        return (nil, "The store records no preprocessing; whole images are stretched onto the patch grid.")
    }

    /// `shortest_edge=256` or `224x224` (height x width).
    static func size(_ text: String) -> Preprocessor.Size? {
        if text.hasPrefix("shortest_edge="), let s = Int(text.dropFirst("shortest_edge=".count)), s > 0 { return .shortest(s) }
        let parts = text.split(separator: "x").compactMap { Int($0) }
        if parts.count == 2, parts.allSatisfy({ $0 > 0 }) { return .exact(height: parts[0], width: parts[1]) }
        return nil
    }
}
