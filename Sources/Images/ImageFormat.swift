/// The image formats SinkScope decodes, recognised by their first bytes (never by the file extension).
public enum ImageFormat: String, Codable, Sendable, CaseIterable {
    case png, jpeg, gif, bmp, webp

    /// The human name used in messages.
    public var name: String {
        switch self {
        case .png: return "PNG"
        case .jpeg: return "JPEG"
        case .gif: return "GIF"
        case .bmp: return "BMP"
        case .webp: return "WebP"
        }
    }

    /// File extensions (lower case) that `ImageSource` lists for a directory.
    public static let fileExtensions: Set<String> = ["png", "jpg", "jpeg", "gif", "bmp", "webp"]

    /// The format whose signature `data` starts with, or nil.
    ///
    /// Signatures: PNG `89 50 4E 47 0D 0A 1A 0A`; JPEG `FF D8 FF`; GIF `GIF87a`/`GIF89a`;
    /// BMP `BM`; WebP `RIFF....WEBP`.
    public static func sniff(_ data: [UInt8]) -> ImageFormat? {
        func starts(_ sig: [UInt8], at offset: Int = 0) -> Bool {
            data.count >= offset + sig.count && Array(data[offset..<offset + sig.count]) == sig
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("BM".utf8)) { return .bmp }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
        return nil
    }
}
