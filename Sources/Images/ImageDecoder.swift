import CGD
import Foundation

/// Decodes PNG, JPEG, GIF, BMP and WebP files into `RGBImage`s through libgd.
///
/// The format comes from the file's first bytes, never from its extension. The header is read
/// first so that an image larger than `maxPixels` is refused before anything is allocated.
/// Palette images are expanded to RGB. **Alpha is dropped**: the stored RGB of each pixel is
/// kept as is, which is what PIL's `Image.convert("RGB")` does (torchvision/timm pipelines);
/// note that Hugging Face's `convert_to_rgb` instead composites RGBA on white, so a transparent
/// PNG may preprocess differently there. Only the first frame of an animated GIF is decoded.
///
///     let image = try ImageDecoder().decode(contentsOf: url)   // RGBImage, HWC UInt8
///
/// Safe to use from several threads at once.
public struct ImageDecoder: Sendable {
    /// Images announcing more pixels than this are refused (`ImageError.tooLarge`). The default
    /// is PIL's decompression-bomb warning threshold (2^30 / 12 ≈ 89.5 M pixels).
    public var maxPixels: Int
    /// Files larger than this are refused before being read (default 1 GiB).
    public var maxFileBytes: Int

    public init(maxPixels: Int = 89_478_485, maxFileBytes: Int = 1 << 30) {
        self.maxPixels = maxPixels
        self.maxFileBytes = maxFileBytes
    }

    /// Reads and decodes the file at `url`.
    ///
    /// - Throws: `ImageError.unreadable`, `.notAnImage`, `.truncated`, `.corrupt`, `.tooLarge`,
    ///   each naming the file.
    public func decode(contentsOf url: URL) throws -> RGBImage {
        try decode(data: try Self.readFile(url, limit: maxFileBytes), source: url.path)
    }

    /// Decodes image bytes; `source` names them in errors.
    public func decode(data: [UInt8], source: String) throws -> RGBImage {
        guard let format = ImageFormat.sniff(data) else { throw ImageError.notAnImage(path: source) }
        func mapped(_ problem: ImageHeader.Problem) -> ImageError {
            switch problem {
            case .truncated(let d): return .truncated(path: source, format: format, detail: d)
            case .corrupt(let d): return .corrupt(path: source, format: format, detail: d)
            }
        }
        let header: ImageHeader
        do {
            header = try ImageHeader.read(data, format: format)
            try ImageCompleteness.check(data, format: format)
        } catch let problem as ImageHeader.Problem {
            throw mapped(problem)
        }
        guard header.width <= maxPixels / header.height, data.count <= Int(Int32.max) else {
            throw ImageError.tooLarge(path: source, width: header.width, height: header.height, maxPixels: maxPixels)
        }

        let (decoded, messages) = GDMessageLog.capturing { Self.gdDecode(data, format: format) }
        guard let im = decoded else {
            let detail = messages.first.map { "libgd: \($0)" } ?? "libgd returned no image"
            if format == .png, ImageCompleteness.pngLacksEnd(data) {
                throw ImageError.truncated(path: source, format: format, detail: "no IEND chunk; \(detail)")
            }
            throw ImageError.corrupt(path: source, format: format, detail: detail)
        }
        defer { gdImageDestroy(im) }
        // libjpeg fills a truncated scan with grey and only warns; treat that as truncation.
        if format == .jpeg, let warning = messages.first(where: { $0.contains("Premature end of JPEG file") }) {
            throw ImageError.truncated(path: source, format: format, detail: warning)
        }
        guard let image = Self.rgb(from: im) else {
            throw ImageError.corrupt(path: source, format: format, detail: "libgd produced an empty image")
        }
        return image
    }

    // MARK: - libgd

    private static func gdDecode(_ data: [UInt8], format: ImageFormat) -> gdImagePtr? {
        var bytes = format == .png ? PNGColorProfile.stripped(data) : data
        let size = Int32(bytes.count)
        return bytes.withUnsafeMutableBytes { raw -> gdImagePtr? in
            let p = raw.baseAddress
            switch format {
            case .png: return gdImageCreateFromPngPtr(size, p)
            // ignore_warning = 0: libjpeg warnings reach the message log (truncation check above).
            case .jpeg: return gdImageCreateFromJpegPtrEx(size, p, 0)
            case .gif: return gdImageCreateFromGifPtr(size, p)
            case .bmp: return gdImageCreateFromBmpPtr(size, p)
            case .webp: return gdImageCreateFromWebpPtr(size, p)
            }
        }
    }

    /// Copies a libgd image into interleaved RGB, expanding palettes and dropping alpha.
    public static func rgb(from im: gdImagePtr) -> RGBImage? {
        let width = Int(im.pointee.sx), height = Int(im.pointee.sy)
        guard width > 0, height > 0 else { return nil }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        if im.pointee.trueColor != 0 {
            guard let rows = im.pointee.tpixels else { return nil }
            pixels.withUnsafeMutableBufferPointer { out in
                for y in 0..<height {
                    guard let row = rows[y] else { continue }
                    for x in 0..<width {
                        // libgd true-colour pixel: 7-bit alpha << 24 | r << 16 | g << 8 | b
                        let p = UInt32(bitPattern: row[x]), o = (y * width + x) * 3
                        out[o] = UInt8((p >> 16) & 0xFF)
                        out[o + 1] = UInt8((p >> 8) & 0xFF)
                        out[o + 2] = UInt8(p & 0xFF)
                    }
                }
            }
        } else {
            // Palette: read the colour table ourselves, because gdImagePaletteToTrueColor turns
            // the transparent entry into black, whereas dropping alpha keeps its stored colour.
            guard let rows = im.pointee.pixels else { return nil }
            let palette = paletteTable(im)
            pixels.withUnsafeMutableBufferPointer { out in
                for y in 0..<height {
                    guard let row = rows[y] else { continue }
                    for x in 0..<width {
                        let c = palette[Int(row[x])], o = (y * width + x) * 3
                        out[o] = c.r; out[o + 1] = c.g; out[o + 2] = c.b
                    }
                }
            }
        }
        return RGBImage(validated: width, height: height, pixels: pixels)
    }

    /// The 256 palette entries (`gdMaxColors`); entries past `colorsTotal` are black.
    private static func paletteTable(_ im: gdImagePtr) -> [(r: UInt8, g: UInt8, b: UInt8)] {
        func channel<T>(_ table: inout T) -> [UInt8] {
            withUnsafeBytes(of: &table) { raw in raw.bindMemory(to: Int32.self).map { UInt8(clamping: $0) } }
        }
        let r = channel(&im.pointee.red), g = channel(&im.pointee.green), b = channel(&im.pointee.blue)
        let n = min(r.count, g.count, b.count)
        return (0..<256).map { i in i < n ? (r[i], g[i], b[i]) : (0, 0, 0) }
    }

    // MARK: - Files

    static func readFile(_ url: URL, limit: Int) throws -> [UInt8] {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImageError.unreadable(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw ImageError.unreadable(path: path, reason: "it is a directory") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size > limit {
            throw ImageError.unreadable(path: path, reason: "the file has \(size) bytes, more than the limit of \(limit)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImageError.unreadable(path: path, reason: "permission denied or I/O error")
        }
        return [UInt8](data)
    }
}
