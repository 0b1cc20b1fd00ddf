import Foundation
import XCTest

/// Shared test helpers: tolerant comparisons of float arrays and paths to fixtures.

/// Max |a - b| / max(|b|, tiny): the relative error used throughout the numerical tests.
public func maxRelativeError(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "size mismatch \(a.count) vs \(b.count)")
    var maxDiff: Float = 0, maxRef: Float = 0
    for i in 0..<a.count {
        maxDiff = max(maxDiff, abs(a[i] - b[i]))
        maxRef = max(maxRef, abs(b[i]))
    }
    return maxDiff / max(maxRef, 1e-30)
}

/// Asserts that two float arrays agree elementwise within `absolute + relative * |expected|`.
public func assertClose(
    _ actual: [Float], _ expected: [Float], absolute: Float = 1e-5, relative: Float = 1e-4,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) {
    guard actual.count == expected.count else {
        XCTFail("count \(actual.count) != \(expected.count) \(message())", file: file, line: line)
        return
    }
    for i in 0..<actual.count where !(abs(actual[i] - expected[i]) <= absolute + relative * abs(expected[i])) {
        XCTFail("element \(i): \(actual[i]) != \(expected[i]) \(message())", file: file, line: line)
        return
    }
}

/// Double version of `assertClose`.
public func assertClose(
    _ actual: [Double], _ expected: [Double], absolute: Double = 1e-9, relative: Double = 1e-7,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) {
    guard actual.count == expected.count else {
        XCTFail("count \(actual.count) != \(expected.count) \(message())", file: file, line: line)
        return
    }
    for i in 0..<actual.count where !(abs(actual[i] - expected[i]) <= absolute + relative * abs(expected[i])) {
        XCTFail("element \(i): \(actual[i]) != \(expected[i]) \(message())", file: file, line: line)
        return
    }
}

/// Fixture files committed under `Tests/Fixtures/` (made by scripts in `scripts/fixtures/`).
public enum Fixtures {
    /// The repository root, found from this source file's location.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func url(_ relative: String) -> URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relative)
    }

    /// The asset cache (`$SINKSCOPE_CACHE` or `~/.cache/sinkscope`) filled by `scripts/setup.sh`.
    public static var cache: URL {
        if let c = ProcessInfo.processInfo.environment["SINKSCOPE_CACHE"] { return URL(fileURLWithPath: c) }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/sinkscope")
    }
}

/// A fresh temporary directory, removed by the caller or left for the OS.
public func temporaryDirectory(_ prefix: String = "sinkscope-test") -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
