import Foundation
import ActivationStore

/// `labels.csv`, from text and from a file (which checks the encoding).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = String(decoding: fuzzBytes(data, size), as: UTF8.self)
    do { _ = try LabelsTable(text: text, source: "labels.csv") } catch { checkRefusal(error) }
    let url = fuzzFile("labels.csv", UnsafeRawBufferPointer(start: data, count: size))
    do { _ = try LabelsTable(url: url) } catch { checkRefusal(error) }
    return 0
}
