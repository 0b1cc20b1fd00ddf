import Foundation

// Shared by every fuzz target (compiled into each executable, see scripts/fuzz.sh).

/// A scratch directory per process (`/dev/shm` when there is one: no disk I/O per input).
let fuzzScratch: URL = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let url = URL(fileURLWithPath: base).appendingPathComponent("sinkscope-fuzz-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}()

/// Writes `data` to `name` inside the scratch directory (the readers under test open files).
func fuzzFile(_ name: String, _ data: UnsafeRawBufferPointer) -> URL {
    let url = fuzzScratch.appendingPathComponent(name)
    try? FileManager.default.removeItem(at: url)
    _ = FileManager.default.createFile(atPath: url.path, contents: Data(data))
    return url
}

/// The input as bytes.
func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Every refusal must be an error with a sentence: an empty description is a finding.
func checkRefusal(_ error: Error) {
    let text = "\(error)"
    if text.isEmpty { fatalError("an error without a sentence: \(type(of: error))") }
}
