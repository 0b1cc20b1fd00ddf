import Foundation
import TensorFiles

/// `SafetensorsFile`: open, then read every tensor (sizes are validated against the file).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let url = fuzzFile("x.safetensors", UnsafeRawBufferPointer(start: data, count: size))
    do {
        let file = try SafetensorsFile(url: url)
        for name in file.names {
            _ = try file.floats(name)
            let info = try file.info(name)
            if let rows = info.shape.first, rows > 0 { _ = try file.floats(name, rows: 0..<1) }
        }
    } catch { checkRefusal(error) }
    return 0
}
