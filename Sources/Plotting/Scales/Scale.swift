import Foundation

/// A labelled tick on an axis or colour bar.
public struct Tick: Sendable, Equatable {
    public var value: Double
    public var label: String

    public init(_ value: Double, _ label: String) {
        self.value = value
        self.label = label
    }
}

/// Maps data values in `lower...upper` to fractions 0...1 of an axis, linearly or on log10,
/// and proposes nice ticks for it.
public struct Scale: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable { case linear, log }

    public let kind: Kind
    public let lower: Double
    public let upper: Double

    /// A linear scale. An empty span (lower == upper) is widened around the value, so a chart of
    /// constant data still has an axis; reversed bounds are swapped.
    public init(linear lower: Double, _ upper: Double) {
        var (a, b) = (Swift.min(lower, upper), Swift.max(lower, upper))
        if !(b > a) {
            let d = a == 0 ? 1 : abs(a) * 0.05
            (a, b) = (a - d, b + d)
        }
        self.kind = .linear
        self.lower = a
        self.upper = b
    }

    /// A log10 scale.
    /// - Throws: `PlottingError.invalidParameter` unless 0 < lower; an empty span is widened
    ///   by a factor of 10^0.5 each side.
    public init(log lower: Double, _ upper: Double) throws {
        let a = Swift.min(lower, upper), b = Swift.max(lower, upper)
        guard a > 0, a.isFinite, b.isFinite else {
            throw PlottingError.invalidParameter(
                name: "log scale range", value: "\(lower)...\(upper)", expected: "positive finite bounds")
        }
        self.kind = .log
        if b > a {
            self.lower = a
            self.upper = b
        } else {
            self.lower = a / 10.0.squareRoot()
            self.upper = b * 10.0.squareRoot()
        }
    }

    /// Where `value` falls: 0 at `lower`, 1 at `upper` (outside 0...1 beyond the range;
    /// -infinity for non-positive values on a log scale).
    public func fraction(_ value: Double) -> Double {
        switch kind {
        case .linear:
            return (value - lower) / (upper - lower)
        case .log:
            guard value > 0 else { return -.infinity }
            return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
    }

    /// The inverse of `fraction`.
    public func value(atFraction f: Double) -> Double {
        switch kind {
        case .linear: return lower + f * (upper - lower)
        case .log: return pow(10, log10(lower) + f * (log10(upper) - log10(lower)))
        }
    }

    /// At most `maxCount` labelled ticks inside the range (see `TickLocator`).
    /// - Parameter integer: only whole-number ticks (layer indices, counts).
    public func ticks(maxCount: Int, integer: Bool = false) -> [Tick] {
        switch kind {
        case .linear:
            let l = TickLocator.linear(lower: lower, upper: upper, maxCount: maxCount, integer: integer)
            return zip(l.values, TickFormatter.linear(l.values, step: l.step)).map { Tick($0, $1) }
        case .log:
            let values = TickLocator.log(lower: lower, upper: upper, maxCount: maxCount).major
            if values.count < 2 {  // under a decade: fall back to linear ticks, still placed on log
                let l = TickLocator.linear(lower: lower, upper: upper, maxCount: maxCount, integer: integer)
                let v = l.values.filter { $0 > 0 }
                return zip(v, TickFormatter.linear(v, step: l.step)).map { Tick($0, $1) }
            }
            return zip(values, TickFormatter.log(values)).map { Tick($0, $1) }
        }
    }

    /// Unlabelled minor ticks: 2...9 x 10^k between major decades on a log scale; none on linear.
    public func minorTicks(maxCount: Int) -> [Double] {
        kind == .log ? TickLocator.log(lower: lower, upper: upper, maxCount: maxCount).minor : []
    }

    /// This scale widened outwards to the nearest nice ticks (for axes that should start and end
    /// on a labelled value, such as counts from zero).
    public func niced(maxCount: Int, integer: Bool = false) -> Scale {
        guard kind == .linear else {
            let lo = pow(10, floor(log10(lower) + 1e-9)), hi = pow(10, ceil(log10(upper) - 1e-9))
            return (try? Scale(log: lo, hi)) ?? self
        }
        let step = TickLocator.linear(lower: lower, upper: upper, maxCount: maxCount, integer: integer).step
        return Scale(linear: floor(lower / step + 1e-9) * step, ceil(upper / step - 1e-9) * step)
    }
}
