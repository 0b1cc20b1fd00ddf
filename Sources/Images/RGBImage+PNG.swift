import CGD

extension RGBImage {
    /// Decodes PNG bytes already in memory with libgd (`gdImageCreateFromPngPtr`); alpha is dropped.
    /// For image files use `ImageDecoder`, which checks headers and completeness first.
    /// - Throws: `ImageError.pngDecodingFailed` when libgd rejects the bytes.
    public init(png: [UInt8]) throws {
        guard !png.isEmpty, png.count < Int(Int32.max) else { throw ImageError.pngDecodingFailed(bytes: png.count) }
        var bytes = png
        let decoded = bytes.withUnsafeMutableBytes { gdImageCreateFromPngPtr(Int32($0.count), $0.baseAddress) }
        guard let im = decoded else { throw ImageError.pngDecodingFailed(bytes: png.count) }
        defer { gdImageDestroy(im) }
        guard let image = ImageDecoder.rgb(from: im) else { throw ImageError.pngDecodingFailed(bytes: png.count) }
        self = image
    }
}
