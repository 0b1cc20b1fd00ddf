import Foundation
import LinearAlgebra

/// Everything that can go wrong when fitting or scoring probes, PCA, cross-validation and
/// comparisons. Each case carries the bad value; `description` is one sentence saying what is
/// wrong and what to change.
public enum ProbeError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The feature (or target) matrix holds NaN or infinity.
    case nonFinite(what: String, row: Int)
    /// A classifier target with a single class.
    case singleClass(label: String, samples: Int)
    /// Fewer samples than cross-validation folds.
    case tooFewSamples(samples: Int, folds: Int)
    /// Fewer groups (images) than folds in grouped cross-validation.
    case tooFewGroups(groups: Int, folds: Int)
    /// Two inputs that must agree in length or shape do not.
    case shapeMismatch(what: String, expected: String, got: String)
    /// A hyperparameter outside its allowed range.
    case invalidParameter(name: String, value: String, allowed: String)
    /// A sample group (sinks, random-k, …) that selected nothing.
    case emptyGroup(name: String)
    /// The `registers` group on a store whose model has no register tokens.
    case noRegisters(model: String)
    /// A LAPACK step failed inside a fit.
    case linearAlgebra(step: String, error: LinearAlgebraError)

    public var description: String {
        switch self {
        case let .nonFinite(what, row):
            return "\(what) contains NaN or infinite values (first at row \(row)); drop those samples or fix the activations before probing."
        case let .singleClass(label, samples):
            return "the target has a single class (\"\(label)\" for all \(samples) samples); a classifier needs at least two classes, so choose another label column or add images of other classes."
        case let .tooFewSamples(samples, folds):
            return "\(folds)-fold cross-validation needs at least \(folds) samples but got \(samples); lower --folds or add images."
        case let .tooFewGroups(groups, folds):
            return "grouped \(folds)-fold cross-validation needs at least \(folds) images (groups) but got \(groups); lower --folds or add images."
        case let .shapeMismatch(what, expected, got):
            return "\(what): expected \(expected) but got \(got)."
        case let .invalidParameter(name, value, allowed):
            return "\(name)=\(value) must be \(allowed)."
        case let .emptyGroup(name):
            return "the token group \"\(name)\" selected no tokens; check the sink detection method and its threshold, or use another group."
        case let .noRegisters(model):
            return "model \(model) has no register tokens (its manifest records registers: 0), so the group registers selects nothing; use cls or patches."
        case let .linearAlgebra(step, error):
            return "\(step) failed: \(error)"
        }
    }

    public var errorDescription: String? { description }
}

// MARK: - Input checks shared by the estimators

extension Matrix {
    /// Throws `ProbeError.nonFinite` naming the first bad row.
    func requireFinite(_ what: String) throws {
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw ProbeError.nonFinite(what: what, row: cols == 0 ? 0 : i / cols)
        }
    }
}

/// Throws `ProbeError.shapeMismatch` when `count` differs from `expected`.
func requireCount(_ what: String, _ count: Int, _ expected: Int) throws {
    guard count == expected else {
        throw ProbeError.shapeMismatch(what: what, expected: "\(expected) values (one per sample)", got: "\(count)")
    }
}

/// Runs a LAPACK-backed step, wrapping its error with the step's name.
func lapackStep<T>(_ step: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as LinearAlgebraError {
        throw ProbeError.linearAlgebra(step: step, error: e)
    }
}
