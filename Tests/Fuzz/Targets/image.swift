import Foundation
import Images

/// Image headers, completeness checks and libgd decoding (PNG, JPEG, GIF, BMP, WebP, ...), with a
/// pixel cap so a lying header cannot make a large allocation legal.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    do { _ = try ImageDecoder(maxPixels: 1 << 22).decode(data: bytes, source: "x.img") } catch { checkRefusal(error) }
    return 0
}
