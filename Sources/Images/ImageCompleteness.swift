/// Checks that the data holds the whole image, for the formats where libgd would otherwise
/// return a partly filled image from truncated input (observed with libgd 2.3.3: truncated GIFs
/// decode without complaint; truncated BMP and WebP fail with unrelated messages).
enum ImageCompleteness {
    /// - Throws: `ImageHeader.Problem.truncated` naming what is missing.
    static func check(_ data: [UInt8], format: ImageFormat) throws {
        let r = ByteReader(data)
        switch format {
        case .gif:
            try gifFirstFrame(r)
        case .webp:  // RIFF size field = file size - 8
            let declared = try r.u32le(4) + 8
            if data.count < declared {
                throw ImageHeader.Problem.truncated("RIFF header declares \(declared) bytes, file has \(data.count)")
            }
        case .bmp:  // bfSize; some writers leave it 0, then only libgd's own checks apply
            let declared = try r.u32le(2)
            if declared > 0, data.count < declared {
                throw ImageHeader.Problem.truncated("header declares \(declared) bytes, file has \(data.count)")
            }
        case .png, .jpeg:
            break  // libpng fails on truncation; libjpeg reports a premature end (see ImageDecoder)
        }
    }

    /// True when a PNG lacks the IEND chunk every complete PNG ends with; used to word the error
    /// when libpng fails.
    static func pngLacksEnd(_ data: [UInt8]) -> Bool {
        data.count < 12 || ByteReader(data).asciiOrNil(data.count - 8, 4) != "IEND"
    }

    /// Walks the GIF blocks up to the end of the first image's LZW data. The trailer byte after
    /// it is not required (many writers omit it and every decoder tolerates that).
    private static func gifFirstFrame(_ r: ByteReader) throws {
        func colorTableSize(_ flags: Int) -> Int { flags & 0x80 != 0 ? 3 << ((flags & 7) + 1) : 0 }
        func skipSubBlocks(_ pos: inout Int) throws {
            while true {
                let size = try r.byte(pos)
                pos += 1 + size
                if size == 0 { return }
            }
        }
        var pos = 13 + colorTableSize(try r.byte(10))
        do {
            while true {
                switch try r.byte(pos) {
                case 0x21:  // extension: introducer, label, sub-blocks
                    pos += 2
                    try skipSubBlocks(&pos)
                case 0x2C:  // image descriptor (10 bytes), local colour table, LZW code size, data
                    let flags = try r.byte(pos + 9)
                    pos += 10 + colorTableSize(flags) + 1
                    try skipSubBlocks(&pos)  // reaching the zero-length block means the frame is whole
                    return
                case 0x3B:
                    throw ImageHeader.Problem.corrupt("GIF trailer before any image")
                case let b:
                    throw ImageHeader.Problem.corrupt("unexpected GIF block 0x\(String(b, radix: 16)) at byte \(pos)")
                }
            }
        } catch ImageHeader.Problem.truncated {
            throw ImageHeader.Problem.truncated("the data ends at byte \(r.data.count) inside the first frame")
        }
    }
}

extension ByteReader {
    func asciiOrNil(_ i: Int, _ n: Int) -> String? { try? ascii(i, n) }
}
