import Foundation

/// Everything that can go wrong while listing, decoding, preprocessing or generating images.
///
/// Each case carries the file it is about, so `extract --skip-bad` can list the skipped files
/// with their reason, and the CLI prints one sentence (`description`).
public enum ImageError: Error, Equatable, Sendable {
    // MARK: - One bad image file (extract --skip-bad skips these)
    /// The file could not be read from disk (missing, permission, a directory...).
    case unreadable(path: String, reason: String)
    /// The first bytes are not those of any supported format.
    case notAnImage(path: String)
    /// The data starts like `format` but ends before the image does.
    case truncated(path: String, format: ImageFormat, detail: String)
    /// The data is of `format` but libgd cannot decode it.
    case corrupt(path: String, format: ImageFormat, detail: String)
    /// The header announces more pixels than the decoder accepts (a lying or hostile header).
    case tooLarge(path: String, width: Int, height: Int, maxPixels: Int)

    // MARK: - Listing images
    /// A directory holds no file with a supported image extension.
    case noImages(path: String)
    /// Two files map to the same image id (file name without extension).
    case duplicateID(id: String, first: String, second: String)
    /// `--images` names something that is neither a directory nor a list file.
    case sourceNotFound(path: String)

    // MARK: - Preprocessing settings
    /// A field of `preprocessor_config.json` (or a preprocessing setting) has a value SinkScope cannot use.
    case badPreprocessorConfig(path: String, field: String, problem: String)
    /// No default preprocessing is known for this architecture.
    case unknownArchitecture(name: String, known: [String])

    // MARK: - Generating and writing images
    /// A setting (of `synth`) is out of its range.
    case invalidSetting(name: String, value: String, expected: String)
    /// libgd or the file system failed to write an image or label file.
    case writeFailed(path: String, reason: String)
    /// Pixels in memory that do not make an image (a side not positive, a wrong value count).
    case invalidRaster(reason: String)
    /// PNG bytes in memory that libgd cannot decode.
    case pngDecodingFailed(bytes: Int)
}

extension ImageError {
    /// The file the error is about (for `--skip-bad` listings).
    public var path: String {
        switch self {
        case .unreadable(let p, _), .notAnImage(let p), .truncated(let p, _, _), .corrupt(let p, _, _),
            .tooLarge(let p, _, _, _), .noImages(let p), .sourceNotFound(let p),
            .badPreprocessorConfig(let p, _, _), .writeFailed(let p, _):
            return p
        case .duplicateID(_, _, let second): return second
        case .unknownArchitecture(let name, _), .invalidSetting(let name, _, _): return name
        case .invalidRaster, .pngDecodingFailed: return "(in memory)"
        }
    }

    /// True when the error is about one bad image file that an extraction may skip and list.
    public var isBadImageFile: Bool {
        switch self {
        case .unreadable, .notAnImage, .truncated, .corrupt, .tooLarge: return true
        default: return false
        }
    }
}

extension ImageError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case .unreadable(let p, let reason):
            return "Cannot read image file \(p): \(reason)."
        case .notAnImage(let p):
            return "\(p) is not an image: its first bytes match none of PNG, JPEG, GIF, BMP or WebP."
        case .truncated(let p, let f, let detail):
            return "\(p) is a truncated \(f.name) file (\(detail))."
        case .corrupt(let p, let f, let detail):
            return "\(p) is a corrupt \(f.name) file that libgd cannot decode (\(detail))."
        case .tooLarge(let p, let w, let h, let limit):
            return "\(p) announces \(w)x\(h) pixels, more than the limit of \(limit) pixels; refusing to decode it."
        case .noImages(let p):
            return "The directory \(p) holds no .png, .jpg, .jpeg, .gif, .bmp or .webp file at its top level."
        case .duplicateID(let id, let a, let b):
            return "The image id '\(id)' is used by both \(a) and \(b); ids (file names without extension) must be unique."
        case .sourceNotFound(let p):
            return "The image source \(p) is neither a directory of images nor a list file."
        case .badPreprocessorConfig(let p, let field, let problem):
            return "\(p): field '\(field)' \(problem)."
        case .unknownArchitecture(let name, let known):
            return "No default preprocessing for architecture '\(name)'; known: \(known.joined(separator: ", "))."
        case .invalidSetting(let name, let value, let expected):
            return "\(name) = \(value) is out of range; expected \(expected)."
        case .writeFailed(let p, let reason):
            return "Cannot write \(p): \(reason)."
        case .invalidRaster(let reason):
            return "Not an RGB image: \(reason)."
        case .pngDecodingFailed(let bytes):
            return "libgd could not decode \(bytes) bytes as a PNG image."
        }
    }

    public var errorDescription: String? { description }
}
