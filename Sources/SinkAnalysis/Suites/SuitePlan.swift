import Foundation

/// Which group × target × probe combinations a suite runs (at every layer), and which it skips.
///
/// A suite declares groups, targets and probes separately; the plan pairs them by what makes sense:
/// - `pca` runs once per group (it has no target);
/// - `logistic` predicts classes: `label` targets, `position` with axis row, col or index, and
///   their controls;
/// - `ridge` predicts numbers: `position` with axis row_col, `patch_color`, `label` targets whose
///   values are all numbers (decided against the store), and their controls;
/// - `position` and `patch_color` targets need samples that are single patch tokens: groups
///   with `reduce: tokens` or `reduce: maxnorm`, never `cls`.
/// Every other combination is skipped once, with the reason, in `skipped`. A target or probe that
/// ends up in no combination is an error (it would silently produce nothing).
public struct SuitePlan: Sendable, Equatable {
    public struct Job: Sendable, Equatable {
        public var group: String
        /// nil for PCA.
        public var target: String?
        public var probe: String
    }

    public var jobs: [Job]
    /// "group × target × probe: reason", one line per skipped combination.
    public var skipped: [String]

    /// - Parameters:
    ///   - document: the suite.
    ///   - numericLabels: label columns whose values are all numbers (ridge can predict them).
    /// - Throws: `SuiteError.invalidField` for a `matched` or `of` reference to nothing, and for
    ///   a target or probe that no combination uses.
    public init(_ document: SuiteDocument, numericLabels: Set<String> = []) throws {
        let suite = document.suite
        try Self.checkReferences(document)
        jobs = []
        skipped = []
        for g in suite.groups {
            for p in suite.probes {
                if case .pca = p.value {
                    jobs.append(Job(group: g.name, target: nil, probe: p.name))
                    continue
                }
                for t in suite.targets {
                    if let reason = Self.mismatch(group: g.value, target: Self.base(t.value, suite), probe: p.value, numericLabels: numericLabels) {
                        skipped.append("\(g.name) × \(t.name) × \(p.name): \(reason)")
                    } else {
                        jobs.append(Job(group: g.name, target: t.name, probe: p.name))
                    }
                }
            }
        }
        for t in suite.targets where !jobs.contains(where: { $0.target == t.name }) {
            throw document.invalid(["targets", t.name], "no group and probe of the suite apply to it (\(Self.needs(t.value.kind, suite)))")
        }
        for p in suite.probes where !jobs.contains(where: { $0.probe == p.name }) {
            throw document.invalid(["probes", p.name], "no target of the suite applies to it (logistic predicts label and position row/col/index targets, ridge predicts position row_col, patch_color and numeric labels)")
        }
    }

    /// The kind a target is about: a control's target, else itself.
    static func base(_ t: TargetEntry, _ suite: SuiteFile) -> TargetKind {
        if case .control(let of) = t.kind, let inner = suite.target(of) { return inner.kind }
        return t.kind
    }

    /// Why `probe` cannot predict `target` from `group`, or nil when it can.
    static func mismatch(group: GroupEntry, target: TargetKind, probe: ProbeEntry, numericLabels: Set<String>) -> String? {
        func singlePatch() -> String? {
            if group.kind == .cls { return "the CLS token has no patch position or colour" }
            if group.kind == .registers { return "register tokens have no patch position or colour" }
            if group.reduce == .mean { return "a mean of tokens has no single patch (use reduce: tokens or maxnorm)" }
            return nil
        }
        switch (target, probe) {
        case (.position(let axis), .logistic):
            return singlePatch() ?? (axis == .rowCol ? "row_col is continuous (ridge)" : nil)
        case (.position(let axis), .ridge):
            return singlePatch() ?? (axis == .rowCol ? nil : "\(axis.rawValue) is a class (logistic)")
        case (.patchColor, .logistic):
            return "patch colour is continuous (ridge)"
        case (.patchColor, _):
            return singlePatch()
        case (.label(let column), .ridge):
            return numericLabels.contains(column) ? nil : "label \(column) is not numeric (logistic)"
        default:
            return nil
        }
    }

    static func needs(_ kind: TargetKind, _ suite: SuiteFile) -> String {
        switch kind {
        case .label: return "a label needs a logistic probe, or ridge for numeric labels"
        case .position(let axis):
            return "a position needs a group with reduce: tokens or maxnorm and a \(axis == .rowCol ? "ridge" : "logistic") probe"
        case .patchColor: return "a patch colour needs a group with reduce: tokens or maxnorm and a ridge probe"
        case .control(let of): return suite.target(of).map { needs($0.kind, suite) } ?? "its target is missing"
        }
    }

    /// `matched` names a sinks group; `of` names a target that is not itself a control.
    static func checkReferences(_ document: SuiteDocument) throws {
        let suite = document.suite
        for g in suite.groups {
            guard let name = g.value.matched else { continue }
            guard let other = suite.group(name) else {
                throw document.invalid(["groups", g.name, "matched"], "there is no group '\(name)' (groups: \(suite.groups.map(\.name).joined(separator: ", ")))")
            }
            guard other.kind == .sinks else {
                throw document.invalid(["groups", g.name, "matched"], "group '\(name)' is a \(other.kind.rawValue) group; a random group matches the size of a sinks group")
            }
        }
        for t in suite.targets {
            guard case .control(let of) = t.value.kind else { continue }
            guard let other = suite.target(of) else {
                throw document.invalid(["targets", t.name, "of"], "there is no target '\(of)' (targets: \(suite.targets.map(\.name).joined(separator: ", ")))")
            }
            guard case .label = other.kind else {
                throw document.invalid(["targets", t.name, "of"], "'\(of)' is a \(other.kind.name) target; a control target is the control task of a label target (position and patch_color rows carry their own control score and selectivity)")
            }
        }
    }
}
