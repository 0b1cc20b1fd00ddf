import Images
import Support
import ActivationStore
import Foundation

/// The `patch_color` target: the mean colour of each patch token's pixels, in the image the model
/// actually saw (after the store's recorded resize and crop).
///
/// The store's image files are decoded again with `ImageDecoder` and put through the geometry of
/// the manifest's `preprocessing` (resize, resample filter, center crop, pass-through), so patch
/// (r, c) covers pixels `[r·p, (r+1)·p) × [c·p, (c+1)·p)` of the model input. The colour is taken
/// before rescaling and normalisation, as R, G, B in [0, 1]: normalisation is an affine map per
/// channel, so it would change neither a ridge probe's R² nor which tokens it can decode.
///
///     let colors = try PatchColors.load(store: store)   // [n, P, 3], P = rows·cols
public enum PatchColors {
    /// - Parameters:
    ///   - store: a store made by `extract` from image files (an imported store has no images).
    ///   - images: image indices (all if nil).
    /// - Returns: `[n, P, 3]` patch mean colours, patches in row-major grid order.
    /// - Throws: `SuiteError.patchColorUnavailable` naming the image and why (missing file,
    ///   not an image, a size that does not match the patch grid, unreadable preprocessing).
    public static func load(store: StoreReader, images: [Int]? = nil, progress: Bool = false) throws -> [Float] {
        let model = store.model
        let indices = images ?? Array(store.images.indices)
        let geometry = try preprocessor(store)
        let decoder = ImageDecoder()
        let p = model.grid[0] * model.grid[1]
        var out = [Float](repeating: 0, count: indices.count * p * 3)
        let bar = ProgressBar(total: indices.count, unit: "images", label: "patch colours", enabled: progress)
        for (row, i) in indices.enumerated() {
            let entry = store.images[i]
            func fail(_ reason: String) -> SuiteError { .patchColorUnavailable(store: store.url.path, image: entry.id, reason: reason) }
            let url = resolve(entry.source, store: store.url)
            let decoded: RGBImage
            do { decoded = try decoder.decode(contentsOf: url) } catch {
                throw fail("its source \(entry.source) cannot be decoded (\(error)); patch_color needs the image files the store was extracted from")
            }
            let image = geometry.geometry(decoded)
            guard let means = patchMeans(image, grid: model.grid, patchSize: model.patchSize) else {
                throw fail("the preprocessed image is \(image.width)x\(image.height) but the model's \(model.grid[0])x\(model.grid[1]) grid of \(model.patchSize)-pixel patches needs \(model.grid[1] * model.patchSize)x\(model.grid[0] * model.patchSize)")
            }
            out.replaceSubrange((row * p * 3)..<((row + 1) * p * 3), with: means)
            bar.advance()
        }
        bar.finish()
        return out
    }

    /// `[P, 3]` mean R, G, B in [0, 1] of each `patchSize`² patch, row-major over the grid; nil
    /// when the image is not exactly the grid's size.
    /// - Parameter grid: `[rows, cols]`.
    public static func patchMeans(_ image: RGBImage, grid: [Int], patchSize: Int) -> [Float]? {
        guard grid.count == 2, patchSize > 0, image.width == grid[1] * patchSize, image.height == grid[0] * patchSize else {
            return nil
        }
        let (rows, cols, s) = (grid[0], grid[1], patchSize)
        var out = [Float](repeating: 0, count: rows * cols * 3)
        let scale = 1 / (255 * Double(s * s))
        image.pixels.withUnsafeBufferPointer { px in
            for r in 0..<rows {
                for c in 0..<cols {
                    var sum = (0, 0, 0)
                    for y in (r * s)..<((r + 1) * s) {
                        for x in (c * s)..<((c + 1) * s) {
                            let k = (y * image.width + x) * 3
                            sum.0 += Int(px[k]); sum.1 += Int(px[k + 1]); sum.2 += Int(px[k + 2])
                        }
                    }
                    let o = (r * cols + c) * 3
                    out[o] = Float(Double(sum.0) * scale)
                    out[o + 1] = Float(Double(sum.1) * scale)
                    out[o + 2] = Float(Double(sum.2) * scale)
                }
            }
        }
        return out
    }

    /// An absolute source as is; a relative one against the working directory, else against the
    /// directory that holds the store (so a store moved together with its images still works).
    static func resolve(_ source: String, store: URL) -> URL {
        if source.hasPrefix("/") { return URL(fileURLWithPath: source) }
        let here = URL(fileURLWithPath: source)
        if FileManager.default.fileExists(atPath: here.path) { return here }
        return store.deletingLastPathComponent().appendingPathComponent(source)
    }

    /// The geometry recorded in the manifest; the architecture's defaults when nothing was recorded.
    static func preprocessor(_ store: StoreReader) throws -> Preprocessor {
        func fail(_ reason: String) -> SuiteError { .patchColorUnavailable(store: store.url.path, image: "(all)", reason: reason) }
        guard let entry = store.manifest.preprocessing else {
            guard let defaults = try? Preprocessor.defaults(architecture: store.model.architecture) else {
                throw fail("the manifest records no preprocessing and architecture '\(store.model.architecture)' has no known defaults")
            }
            return defaults
        }
        do { return try Preprocessor(manifestEntry: entry) } catch let SuiteError.patchColorUnavailable(_, _, reason) {
            throw fail(reason)
        }
    }
}

extension Preprocessor {
    /// Reads back the geometry that `manifestEntry` recorded (`resize`, `resample`, `center_crop`,
    /// `pass_through_at_target_size`); the intensity steps are not needed for patch colours.
    init(manifestEntry e: [String: String]) throws {
        func fail(_ key: String) -> SuiteError {
            .patchColorUnavailable(store: "manifest", image: "(all)", reason: "preprocessing field '\(key)' is missing or unreadable (\(e[key] ?? "absent"))")
        }
        func size(_ key: String) throws -> Size? {
            guard let text = e[key] else { throw fail(key) }
            if text == "none" { return nil }
            if text.hasPrefix("shortest_edge="), let s = Int(text.dropFirst("shortest_edge=".count)), s > 0 { return .shortest(s) }
            let parts = text.split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts.allSatisfy({ $0 > 0 }) else { throw fail(key) }
            return .exact(height: parts[0], width: parts[1])
        }
        var p = Preprocessor.defaults(for: .dinov2)
        let resize = try size("resize"), crop = try size("center_crop")
        p.doResize = resize != nil
        if let resize { p.size = resize }
        p.doCenterCrop = crop != nil
        if let crop {
            guard crop.shortestEdge == nil else { throw fail("center_crop") }
            p.cropSize = crop
        }
        let filterName = e["resample"].map { String($0.prefix { $0 != " " }) }
        guard let filter = ResampleFilter.allCases.first(where: { $0.name == filterName }) else { throw fail("resample") }
        p.resample = filter
        p.passThroughAtTargetSize = e["pass_through_at_target_size"] == "true"
        p.source = e["source"] ?? "manifest"
        self = p
    }
}
