import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let systemWrite = Glibc.write
#else
private let systemWrite = Darwin.write
#endif

/// Writes a file atomically: the content goes to a temporary file beside the target
/// (`.NAME.tmp-UUID`), is flushed to disk, and is renamed over the target only when complete.
/// A crash or a thrown error leaves the previous file (or no file), never a partial one.
public enum AtomicFile {
    /// Sequential writer handed to the body of `write(to:_:)`.
    public struct Sink {
        let fd: Int32
        let path: String

        /// Appends `bytes`.
        public func write(_ bytes: UnsafeRawBufferPointer) throws {
            var offset = 0
            while offset < bytes.count {
                let n = systemWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw TensorFileError.writeFailed(file: path, reason: String(cString: strerror(errno)))
                }
                offset += n
            }
        }

        /// Appends `bytes`.
        public func write(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { try write($0) }
        }
    }

    /// Runs `body` against a temporary file and renames it to `url` on success.
    /// - Throws: `TensorFileError.writeFailed`, or whatever `body` throws (the temporary file is removed).
    public static func write(to url: URL, _ body: (Sink) throws -> Void) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw TensorFileError.writeFailed(file: url.path, reason: String(cString: strerror(errno))) }
        var closed = false
        do {
            try body(Sink(fd: fd, path: url.path))
            // Flush before the rename so a power cut cannot leave a renamed but empty file.
            guard fsync(fd) == 0 else { throw TensorFileError.writeFailed(file: url.path, reason: String(cString: strerror(errno))) }
            closed = true
            guard close(fd) == 0 else { throw TensorFileError.writeFailed(file: url.path, reason: String(cString: strerror(errno))) }
            guard rename(temporary.path, url.path) == 0 else { throw TensorFileError.writeFailed(file: url.path, reason: String(cString: strerror(errno))) }
        } catch {
            if !closed { close(fd) }
            unlink(temporary.path)
            throw error
        }
    }

    /// Writes `data` to `url` atomically.
    public static func write(_ data: [UInt8], to url: URL) throws {
        try write(to: url) { try $0.write(data) }
    }

    /// True for the temporary names this type creates (so cleanup code can recognise leftovers).
    public static func isTemporaryName(_ name: String) -> Bool { name.hasPrefix(".") && name.contains(".tmp-") }
}
