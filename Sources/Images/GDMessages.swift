import CGD
import Foundation

/// Collects the warnings libgd (and libpng/libjpeg through it) would print to stderr, so that a
/// decoder can turn them into an error sentence instead of noise on the terminal.
///
/// libgd has one process-wide error callback (`gdSetErrorMethod`). SinkScope installs it once;
/// the callback appends to the log of the calling thread when one is active (threads decoding
/// in parallel each see only their own messages) and otherwise prints to stderr as libgd would.
final class GDMessageLog {
    private(set) var messages: [String] = []

    /// Runs `body` with this thread's libgd messages collected into the returned log.
    static func capturing<T>(_ body: () throws -> T) rethrows -> (T, [String]) {
        installHandlerOnce()
        let log = GDMessageLog()
        let previous = pthread_getspecific(threadKey)
        pthread_setspecific(threadKey, Unmanaged.passUnretained(log).toOpaque())
        defer { pthread_setspecific(threadKey, previous) }
        let result = try withExtendedLifetime(log) { try body() }
        return (result, log.messages)
    }

    fileprivate func append(_ message: String) { messages.append(message) }
}

/// The thread-local slot holding the active `GDMessageLog` (unretained; `capturing` keeps it alive).
private let threadKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()

/// Installing is idempotent; a `let` global is initialised once, thread-safely.
private let handlerInstalled: Bool = {
    gdSetErrorMethod(gdMessageHandler)
    return true
}()

private func installHandlerOnce() { _ = handlerInstalled }

private func gdMessageHandler(_ priority: Int32, _ format: UnsafePointer<CChar>?, _ args: CVaListPointer?) {
    guard let format, let args else { return }
    var buffer = [CChar](repeating: 0, count: 512)
    _ = vsnprintf(&buffer, buffer.count, format, args)
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    if let slot = pthread_getspecific(threadKey) {
        Unmanaged<GDMessageLog>.fromOpaque(slot).takeUnretainedValue().append(text)
    } else {
        FileHandle.standardError.write(Data("libgd: \(text)\n".utf8))
    }
}
