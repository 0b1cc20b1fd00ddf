import Foundation

/// How one axis of a chart is labelled and scaled. Limits come from the data unless `range`
/// fixes them.
public struct Axis: Sendable, Equatable {
    /// Axis title, e.g. "hidden-state norm".
    public var label: String?
    /// Log10 scale (values must be positive).
    public var log: Bool
    /// Fixed limits instead of the data's extent.
    public var range: ClosedRange<Double>?
    /// Whole-number ticks only (layer indices, counts).
    public var integerTicks: Bool

    public init(_ label: String? = nil, log: Bool = false, range: ClosedRange<Double>? = nil,
                integerTicks: Bool = false) {
        self.label = label
        self.log = log
        self.range = range
        self.integerTicks = integerTicks
    }
}

/// An axis ready for layout: the scale, and either fixed (categorical) ticks or a request for
/// nice ticks whose count the layout fits to the axis length.
struct AxisPlan {
    var scale: Scale
    var label: String?
    var integerTicks = false
    /// Categorical or otherwise fixed ticks; the layout may rotate or thin their labels.
    var fixedTicks: [Tick]? = nil
    /// Grid lines at the major ticks (off for categories that are cells).
    var grid = true
    /// No ticks, labels or spine at all (an image's pixel axes).
    var hidden = false

    /// A plan from an `Axis` and the data extent: pads linear ranges by `margin` of the span
    /// (matplotlib's 5 %) unless the axis fixes its range; `includeZero` anchors bars at 0.
    static func from(_ axis: Axis, dataLower: Double, dataUpper: Double, margin: Double = 0.05,
                     includeZero: Bool = false) throws -> AxisPlan {
        if let r = axis.range {
            let s = axis.log ? try Scale(log: r.lowerBound, r.upperBound) : Scale(linear: r.lowerBound, r.upperBound)
            return AxisPlan(scale: s, label: axis.label, integerTicks: axis.integerTicks)
        }
        var lo = dataLower, hi = dataUpper
        if includeZero && !axis.log { lo = min(lo, 0); hi = max(hi, 0) }
        if axis.log {
            guard hi > 0 else {
                throw PlottingError.invalidParameter(
                    name: "\(axis.label ?? "axis") on a log scale", value: "max \(hi)", expected: "positive values")
            }
            lo = lo > 0 ? lo : hi / 1000
            let f = pow(10, margin * max(0.3, log10(hi / lo)))
            return AxisPlan(scale: try Scale(log: lo / f, hi * f), label: axis.label, integerTicks: axis.integerTicks)
        }
        let pad = (hi - lo) * margin
        let padLo = includeZero && lo == 0 ? 0 : pad, padHi = includeZero && hi == 0 ? 0 : pad
        return AxisPlan(scale: Scale(linear: lo - padLo, hi + padHi), label: axis.label, integerTicks: axis.integerTicks)
    }

    /// An axis that takes no room and draws nothing.
    static func hidden(_ lower: Double, _ upper: Double) -> AxisPlan {
        AxisPlan(scale: Scale(linear: lower, upper), label: nil, fixedTicks: [], grid: false, hidden: true)
    }

    /// Categories at 0.5, 1.5, ... on a 0...n scale (bar groups, matrix rows).
    static func categorical(_ names: [String], label: String?) -> AxisPlan {
        AxisPlan(scale: Scale(linear: 0, Double(max(1, names.count))), label: label,
                 fixedTicks: names.enumerated().map { Tick(Double($0.offset) + 0.5, $0.element) }, grid: false)
    }
}
