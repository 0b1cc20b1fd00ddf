/// Removes embedded ICC colour profiles (`iCCP` chunks) from PNG bytes before libgd decodes them.
///
/// libgd ignores colour profiles (as PIL's `convert("RGB")` does, so pixel values are the same
/// either way), but libpng still parses them and prints "libpng warning: iCCP: known incorrect
/// sRGB profile" on stderr for a common, harmless profile, from its default handler that libgd
/// does not replace. Dropping the ancillary chunk keeps the terminal clean; every other chunk
/// and its CRC stay byte for byte.
enum PNGColorProfile {
    /// `data` without its `iCCP` chunks; `data` itself when it has none or its chunk layout is
    /// not well formed (libpng then reports the real problem).
    static func stripped(_ data: [UInt8]) -> [UInt8] {
        let signatureLength = 8
        var chunks: [Range<Int>] = []
        var hasProfile = false
        var offset = signatureLength
        while offset + 12 <= data.count {
            let length = data[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let end = offset + 12 + length
            guard length <= Int(Int32.max), end <= data.count else { return data }
            let isProfile = data[offset + 4..<offset + 8].elementsEqual("iCCP".utf8)
            hasProfile = hasProfile || isProfile
            if !isProfile { chunks.append(offset..<end) }
            offset = end
        }
        guard hasProfile, offset == data.count else { return data }
        var out = Array(data[0..<signatureLength])
        out.reserveCapacity(data.count)
        for chunk in chunks { out += data[chunk] }
        return out
    }
}
