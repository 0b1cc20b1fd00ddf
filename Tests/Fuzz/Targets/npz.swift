import Foundation
import TensorFiles

/// `.npz`: the zip directory, inflate, then every member as numbers or strings.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let url = fuzzFile("x.npz", UnsafeRawBufferPointer(start: data, count: size))
    do {
        let archive = try NPZArchive(url: url)
        for name in archive.names {
            do { _ = try archive.arrayInfo(name) } catch { checkRefusal(error) }
            do { _ = try archive.view(name).floats() } catch { checkRefusal(error) }
            do { _ = try archive.strings(name) } catch { checkRefusal(error) }
        }
    } catch { checkRefusal(error) }
    do { _ = try TensorContainer.open(url) } catch { checkRefusal(error) }
    return 0
}
