import Foundation

/// A progress bar on stderr that knows its total: `[#####.....] 12/50 images 3.1/s ETA 12s`.
///
/// Long operations (extraction, probe suites, reports) take one and call `advance()`.
/// It redraws at most ten times a second and only when stderr is a terminal draws in place;
/// otherwise (CI, pipes) it prints a line every 10% so logs stay short.
///
///     let bar = ProgressBar(total: images.count, unit: "images", label: "extract")
///     for image in images { ...; bar.advance() }
///     bar.finish()
public final class ProgressBar: @unchecked Sendable {
    public let total: Int
    public let unit: String
    public let label: String
    private var done = 0
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastDecile = -1
    private let interactive: Bool
    private let enabled: Bool
    private let lock = NSLock()

    /// - Parameters:
    ///   - total: the number of steps the work has; must be known up front.
    ///   - unit: what a step is ("images", "probes").
    ///   - label: a short name of the operation shown before the bar.
    ///   - enabled: false silences the bar (e.g. `--quiet`, tests).
    public init(total: Int, unit: String, label: String, enabled: Bool = true) {
        self.total = max(total, 0)
        self.unit = unit
        self.label = label
        self.enabled = enabled
        self.interactive = isatty(STDERR_FILENO) != 0
    }

    /// Records `steps` finished steps and redraws when due.
    public func advance(_ steps: Int = 1) {
        lock.lock(); defer { lock.unlock() }
        done = min(done + steps, total)
        draw(force: done == total)
    }

    /// Ends the bar with a final line (elapsed time and rate).
    public func finish() {
        lock.lock(); defer { lock.unlock() }
        guard enabled else { return }
        draw(force: true)
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// Seconds since the bar was created.
    public var elapsed: TimeInterval { Date().timeIntervalSince(start) }

    private func draw(force: Bool) {
        guard enabled, total > 0 else { return }
        let now = Date()
        let decile = done * 10 / total
        if interactive {
            guard force || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        } else {
            guard decile != lastDecile else { return }
        }
        lastDraw = now
        lastDecile = decile
        let width = 24
        let filled = done * width / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let seconds = max(now.timeIntervalSince(start), 1e-9)
        let rate = Double(done) / seconds
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let line = String(
            format: "%@ [%@] %d/%d %@ %.1f/s ETA %@", label, bar, done, total, unit, rate,
            Self.duration(eta))
        FileHandle.standardError.write(Data(((interactive ? "\r" : "") + line + (interactive ? "" : "\n")).utf8))
    }

    static func duration(_ s: Double) -> String {
        if s < 60 { return String(format: "%.0fs", s) }
        if s < 3600 { return String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60) }
        return String(format: "%dh%02dm", Int(s) / 3600, (Int(s) % 3600) / 60)
    }
}
