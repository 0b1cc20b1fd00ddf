import CGD
import Foundation

/// DejaVu Sans, rendered by libgd through FreeType (`gdImageStringFTEx`).
///
/// Sizes are in pixels: text is laid out at 72 dpi so libgd's point size equals the pixel size,
/// and charts multiply by their scale factor themselves.
public struct Font: Sendable, Equatable {
    /// TrueType file for ordinary text.
    public let regular: String
    /// TrueType file for titles (the regular file when no bold face sits beside it).
    public let bold: String

    /// A font from explicit files.
    /// - Throws: `PlottingError.fontNotFound` when `regular` does not exist.
    public init(regular: String, bold: String? = nil) throws {
        guard FileManager.default.isReadableFile(atPath: regular) else {
            throw PlottingError.fontNotFound(searched: [regular])
        }
        self.regular = regular
        let b = bold ?? (regular as NSString).deletingLastPathComponent + "/DejaVuSans-Bold.ttf"
        self.bold = FileManager.default.isReadableFile(atPath: b) ? b : regular
        _ = Font.cacheReady
    }

    /// DejaVu Sans found on this machine (looked up once per process).
    /// - Throws: `PlottingError.fontNotFound` listing every place searched.
    public static func dejaVuSans() throws -> Font { try discovered.get() }

    // MARK: - Discovery

    /// A TrueType file tried before the usual places (the command line passes `$SINKSCOPE_FONT`).
    /// The font is looked up once per process, so set this before the first chart is drawn.
    nonisolated(unsafe) public static var preferredFile: String?

    /// `preferredFile` first, then the usual font directories of Debian, Fedora, Arch,
    /// Homebrew and macOS, then any `DejaVuSans.ttf` under /usr/share/fonts.
    static func searchPaths() -> [String] {
        var paths: [String] = []
        if let preferredFile { paths.append(preferredFile) }
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        let directories = [
            "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
            "/usr/share/fonts/dejavu-sans-fonts", "/usr/share/fonts/truetype",
            "/usr/local/share/fonts", "/usr/local/share/fonts/dejavu", "/opt/homebrew/share/fonts",
            "/Library/Fonts", home + "/Library/Fonts", home + "/.local/share/fonts", home + "/.fonts",
        ]
        paths += directories.map { $0 + "/DejaVuSans.ttf" }
        return paths
    }

    static let discovered: Result<Font, PlottingError> = {
        let candidates = searchPaths()
        for path in candidates where FileManager.default.isReadableFile(atPath: path) {
            if let font = try? Font(regular: path) { return .success(font) }
        }
        if let enumerator = FileManager.default.enumerator(atPath: "/usr/share/fonts") {
            for case let name as String in enumerator where name.hasSuffix("/DejaVuSans.ttf") {
                if let font = try? Font(regular: "/usr/share/fonts/" + name) { return .success(font) }
            }
        }
        return .failure(.fontNotFound(searched: candidates + ["/usr/share/fonts/**"]))
    }()

    /// libgd's FreeType cache must be set up once before threads draw text concurrently.
    static let cacheReady: Bool = gdFontCacheSetup() == 0

    // MARK: - Metrics

    /// Cap height and descender as fractions of the size (DejaVu Sans: 1493 and 483 of 2048
    /// units). Fixed font-level values, not per-string ink, so labels of one row share a baseline.
    static let capHeight = 0.729
    static let descent = 0.236

    /// Horizontal ink extent of `text` relative to its origin, from libgd's bounding rectangle.
    /// Results are cached per process: layout measures the same tick labels many times, and
    /// each libgd measurement runs FreeType's hinting interpreter over every glyph.
    public func measure(_ text: String, size: Double, bold: Bool = false) throws -> TextExtent {
        let key = MeasureCache.Key(text: text, size: size, file: bold ? self.bold : regular)
        if let hit = MeasureCache.shared.get(key) { return hit }
        var brect = [Int32](repeating: 0, count: 8)
        try render(nil, &brect, color: 0, text: text, size: size, angle: 0, x: 0, y: 0, bold: bold)
        let extent = TextExtent(left: Double(brect[0]), right: Double(brect[2]),
                                capHeight: Font.capHeight * size, descent: Font.descent * size)
        MeasureCache.shared.set(key, extent)
        return extent
    }

    /// Calls `gdImageStringFTEx` (measures only when `image` is nil). `&` is escaped because
    /// libgd decodes HTML entities such as `&#38;` in the string.
    func render(
        _ image: gdImagePtr?, _ brect: inout [Int32], color: Int32, text: String, size: Double,
        angle: Double, x: Int32, y: Int32, bold: Bool
    ) throws {
        var extra = gdFTStringExtra()
        extra.flags = gdFTEX_RESOLUTION
        extra.hdpi = 72
        extra.vdpi = 72
        let escaped = text.replacingOccurrences(of: "&", with: "&#38;")
        let message = brect.withUnsafeMutableBufferPointer { b in
            gdImageStringFTEx(image, b.baseAddress, color, bold ? self.bold : regular, size, angle,
                              x, y, escaped, &extra)
        }
        if let message { throw PlottingError.textFailed(message: String(cString: message)) }
    }
}

/// Where a string's ink sits relative to its origin on the baseline, in pixels.
public struct TextExtent: Sendable, Equatable {
    public var left: Double
    public var right: Double
    /// Height of capitals above the baseline (font-level, same for every string of this size).
    public var capHeight: Double
    /// Depth of descenders below the baseline (font-level).
    public var descent: Double

    public var width: Double { right - left }
    public var height: Double { capHeight + descent }
}

/// Text measurements shared by every render in the process (bounded; cleared when full).
final class MeasureCache: @unchecked Sendable {  // all state behind `lock`
    struct Key: Hashable {
        var text: String
        var size: Double
        var file: String
    }

    static let shared = MeasureCache()
    private let lock = NSLock()
    private var entries: [Key: TextExtent] = [:]

    func get(_ key: Key) -> TextExtent? {
        lock.lock()
        defer { lock.unlock() }
        return entries[key]
    }

    func set(_ key: Key, _ value: TextExtent) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count >= 20_000 { entries.removeAll(keepingCapacity: true) }
        entries[key] = value
    }
}
