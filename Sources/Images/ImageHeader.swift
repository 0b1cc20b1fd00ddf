/// What a format's header says before any pixel is decoded: the size, and whether the data
/// is complete enough to hold the image. Read before libgd runs so that a lying header cannot
/// make it allocate gigabytes, and so that truncation libgd tolerates (GIF, JPEG) is still caught.
struct ImageHeader: Equatable {
    let width: Int
    let height: Int

    /// Why a header was rejected; `ImageDecoder` adds the path and format.
    enum Problem: Error, Equatable {
        case truncated(String)
        case corrupt(String)
    }

    /// Reads the width and height announced by `data` of `format`.
    ///
    /// - Throws: `Problem.truncated` when the data ends inside the header, `Problem.corrupt`
    ///   when a field is impossible (zero size, wrong chunk).
    static func read(_ data: [UInt8], format: ImageFormat) throws -> ImageHeader {
        let r = ByteReader(data)
        let header: ImageHeader
        switch format {
        case .png:
            guard try r.ascii(12, 4) == "IHDR" else { throw Problem.corrupt("first chunk is not IHDR") }
            header = ImageHeader(width: try r.u32be(16), height: try r.u32be(20))
        case .gif:
            header = ImageHeader(width: try r.u16le(6), height: try r.u16le(8))
        case .bmp:
            let infoSize = try r.u32le(14)
            if infoSize == 12 {  // OS/2 BITMAPCOREHEADER: 16-bit sizes
                header = ImageHeader(width: try r.u16le(18), height: try r.u16le(20))
            } else {
                header = ImageHeader(width: try r.i32le(18), height: abs(try r.i32le(22)))
            }
        case .webp:
            header = try webp(r)
        case .jpeg:
            header = try jpeg(r)
        }
        guard header.width > 0, header.height > 0 else {
            throw Problem.corrupt("header announces a \(header.width)x\(header.height) image")
        }
        return header
    }

    /// WebP: the first chunk after `RIFF....WEBP` is `VP8 ` (lossy), `VP8L` (lossless) or `VP8X` (extended).
    private static func webp(_ r: ByteReader) throws -> ImageHeader {
        switch try r.ascii(12, 4) {
        case "VP8 ":
            return ImageHeader(width: try r.u16le(26) & 0x3FFF, height: try r.u16le(28) & 0x3FFF)
        case "VP8L":
            let b = try (1...4).map { try r.byte(20 + $0) }
            let w = 1 + (b[0] | (b[1] & 0x3F) << 8)
            let h = 1 + (b[1] >> 6 | b[2] << 2 | (b[3] & 0x0F) << 10)
            return ImageHeader(width: w, height: h)
        case "VP8X":
            return ImageHeader(width: 1 + (try r.u24le(24)), height: 1 + (try r.u24le(27)))
        case let other:
            throw Problem.corrupt("unknown WebP chunk '\(other)'")
        }
    }

    /// JPEG: walks the marker segments up to the first start-of-frame (SOFn) marker.
    private static func jpeg(_ r: ByteReader) throws -> ImageHeader {
        var pos = 2
        while true {
            guard try r.byte(pos) == 0xFF else { throw Problem.corrupt("no marker at byte \(pos)") }
            var marker = try r.byte(pos + 1)
            while marker == 0xFF { pos += 1; marker = try r.byte(pos + 1) }  // fill bytes
            switch marker {
            case 0xD8, 0x01, 0xD0...0xD7:  // markers without a length
                pos += 2
            case 0xC0...0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:
                return ImageHeader(width: try r.u16be(pos + 7), height: try r.u16be(pos + 5))
            case 0xDA, 0xD9:
                throw Problem.corrupt("no frame header before the image data")
            default:
                pos += 2 + (try r.u16be(pos + 2))
            }
        }
    }
}

/// Bounds-checked little/big-endian reads; running off the end is a truncation.
struct ByteReader {
    let data: [UInt8]
    init(_ data: [UInt8]) { self.data = data }

    func byte(_ i: Int) throws -> Int {
        guard i >= 0, i < data.count else {
            throw ImageHeader.Problem.truncated("the data ends at byte \(data.count) inside the header")
        }
        return Int(data[i])
    }
    func u16le(_ i: Int) throws -> Int { try byte(i) | byte(i + 1) << 8 }
    func u16be(_ i: Int) throws -> Int { try byte(i) << 8 | byte(i + 1) }
    func u24le(_ i: Int) throws -> Int { try u16le(i) | (byte(i + 2) << 16) }
    func u32le(_ i: Int) throws -> Int { try u16le(i) | u16le(i + 2) << 16 }
    func u32be(_ i: Int) throws -> Int { try u16be(i) << 16 | u16be(i + 2) }
    func i32le(_ i: Int) throws -> Int { Int(Int32(truncatingIfNeeded: try u32le(i))) }
    func ascii(_ i: Int, _ n: Int) throws -> String {
        String(decoding: try (0..<n).map { UInt8(try byte(i + $0)) }, as: UTF8.self)
    }
}
