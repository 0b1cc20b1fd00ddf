import Foundation
import SinkAnalysis

/// A probe-suite YAML file (Yams, then the suite's own decoding and checks).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = String(decoding: fuzzBytes(data, size), as: UTF8.self)
    do { _ = try SuiteParser.parse(yaml: text, source: "x.yaml") } catch { checkRefusal(error) }
    return 0
}
