import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory mapping of a whole file. Pages are read by the OS only when touched, so
/// readers can slice a multi-gigabyte shard without loading it.
///
/// Immutable after init, so sharing across threads is safe (`@unchecked Sendable`: the raw
/// pointer is not `Sendable` by itself). The file must not be truncated while mapped.
public final class MappedFile: @unchecked Sendable {
    /// The path, for error messages.
    public let path: String
    /// The file size in bytes.
    public let size: Int
    private let base: UnsafeRawPointer?

    /// Maps `url` read-only.
    /// - Throws: `TensorFileError.unreadable` when the file cannot be opened or mapped.
    public init(url: URL) throws {
        path = url.path
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw TensorFileError.unreadable(file: url.path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw TensorFileError.unreadable(file: url.path, reason: String(cString: strerror(errno))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw TensorFileError.unreadable(file: url.path, reason: "not a regular file") }
        size = Int(st.st_size)
        if size == 0 {
            base = nil
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw TensorFileError.unreadable(file: url.path, reason: "mmap failed: \(String(cString: strerror(errno)))") }
        base = UnsafeRawPointer(p)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), size) }
    }

    /// Calls `body` with the bytes `range` of the file. The caller checks the range is inside.
    public func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= size, "MappedFile range \(range) outside \(size)")
        guard let base else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    /// A copy of the bytes `range`.
    public func bytes(_ range: Range<Int>) -> [UInt8] { withBytes(range) { Array($0) } }
}
