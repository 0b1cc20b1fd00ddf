import Foundation

/// Everything that can go wrong in a LAPACK call or a product of mismatched shapes.
///
/// LAPACK reports failures through an integer `info`; each wrapper turns it into one of these
/// cases with a sentence saying what happened and what to change.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A LAPACK routine returned `info != 0` for a reason not covered by a more specific case
    /// (e.g. `info < 0`: argument `-info` had an illegal value).
    case lapack(routine: String, info: Int32, meaning: String)
    /// Operand shapes do not fit the operation.
    case shapeMismatch(operation: String, expected: String, got: String)
    /// Cholesky found that the leading minor of order `order` is not positive definite.
    case notPositiveDefinite(routine: String, order: Int)
    /// An iterative LAPACK routine did not converge (`info > 0` from ?syevd/?syevr/?gesdd).
    case didNotConverge(routine: String, info: Int32)
    /// The input holds NaN or infinity, which LAPACK would silently turn into garbage.
    case nonFinite(operation: String)

    public var description: String {
        switch self {
        case let .lapack(routine, info, meaning):
            return "LAPACK \(routine) failed with info=\(info): \(meaning)."
        case let .shapeMismatch(operation, expected, got):
            return "\(operation): shapes do not fit, expected \(expected) but got \(got)."
        case let .notPositiveDefinite(routine, order):
            return "\(routine): the matrix is not positive definite (the leading minor of order \(order) is not); "
                + "add regularisation (a larger ridge alpha) or remove collinear features."
        case let .didNotConverge(routine, info):
            return "LAPACK \(routine) did not converge (info=\(info)); the input is probably badly scaled or holds extreme values."
        case let .nonFinite(operation):
            return "\(operation): the input contains NaN or infinite values; clean or drop them before this step."
        }
    }

    public var errorDescription: String? { description }
}

/// Turns a LAPACK `info < 0` into the standard sentence; `info > 0` is routine-specific and
/// handled by each wrapper.
func illegalArgument(_ routine: String, _ info: Int32) -> LinearAlgebraError {
    .lapack(routine: routine, info: info, meaning: "argument \(-info) had an illegal value (a bug in the caller)")
}
