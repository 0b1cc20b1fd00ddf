import Foundation
import TensorFiles

/// `.npy` from bytes (numbers and strings) and from a file (the mapped view).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    do { _ = try NPYReader.read(data: bytes, source: "x.npy").floats() } catch { checkRefusal(error) }
    do { _ = try NPYReader.readStrings(data: bytes, source: "x.npy") } catch { checkRefusal(error) }
    let url = fuzzFile("x.npy", UnsafeRawBufferPointer(start: data, count: size))
    do { _ = try NPYReader.view(url: url).floats() } catch { checkRefusal(error) }
    return 0
}
