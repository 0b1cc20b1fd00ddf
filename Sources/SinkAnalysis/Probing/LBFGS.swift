/// Limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989) with a strong-Wolfe line search
/// (Nocedal & Wright, *Numerical Optimization*, Algorithms 3.5–3.6, cubic interpolation).
///
/// Stopping rules mirror SciPy's L-BFGS-B as scikit-learn calls it: the largest gradient
/// component ≤ `gradientTolerance` (`gtol = tol`), or a relative decrease of the objective
/// ≤ `functionTolerance` (`ftol = 64 ε`), or `maxIterations` iterations.
struct LBFGS: Sendable {
    enum StopReason: String, Sendable, Codable {
        case gradient, function, maxIterations, lineSearch
    }

    struct Result: Sendable {
        var x: [Double]
        var value: Double
        var gradientNorm: Double
        var iterations: Int
        var evaluations: Int
        var reason: StopReason
        var converged: Bool { reason == .gradient || reason == .function }
    }

    var memory = 10
    var maxIterations = 100
    var gradientTolerance = 1e-4
    var functionTolerance = 64 * Double.ulpOfOne
    var maxLineSearchSteps = 50

    /// Minimises f from `x0`; `fg(x, &g)` returns f(x) and writes ∇f(x) into g.
    func minimize(_ x0: [Double], _ fg: ([Double], inout [Double]) -> Double) -> Result {
        var x = x0
        var g = [Double](repeating: 0, count: x.count)
        var f = fg(x, &g)
        var evaluations = 1
        var history: [(s: [Double], y: [Double], rho: Double)] = []
        var iteration = 0
        if infNorm(g) <= gradientTolerance {
            return Result(x: x, value: f, gradientNorm: infNorm(g), iterations: 0, evaluations: 1, reason: .gradient)
        }
        while iteration < maxIterations {
            var p = direction(g, history)
            var slope = dot(g, p)
            if !(slope < 0) {   // not a descent direction (lost curvature): restart from steepest descent
                history.removeAll()
                p = g.map { -$0 }
                slope = dot(g, p)
            }
            // First step of a fresh history moves a unit distance, like L-BFGS-B.
            let initial = history.isEmpty ? min(1, 1 / dot(p, p).squareRoot()) : 1
            let search = lineSearch(x: x, f0: f, slope: slope, p: p, initial: initial, fg)
            evaluations += search.evaluations
            guard let step = search.step else {
                return Result(x: x, value: f, gradientNorm: infNorm(g), iterations: iteration,
                              evaluations: evaluations, reason: .lineSearch)
            }
            iteration += 1
            let s = p.map { $0 * step.alpha }
            let y = zip(step.g, g).map { $0 - $1 }
            let sy = dot(s, y)
            if sy > Double.ulpOfOne * dot(y, y) {
                history.append((s, y, 1 / sy))
                if history.count > memory { history.removeFirst() }
            }
            let decrease = (f - step.f) / max(abs(f), abs(step.f), 1)
            x = zip(x, s).map { $0 + $1 }
            f = step.f
            g = step.g
            if infNorm(g) <= gradientTolerance {
                return Result(x: x, value: f, gradientNorm: infNorm(g), iterations: iteration, evaluations: evaluations, reason: .gradient)
            }
            if decrease <= functionTolerance {
                return Result(x: x, value: f, gradientNorm: infNorm(g), iterations: iteration, evaluations: evaluations, reason: .function)
            }
        }
        return Result(x: x, value: f, gradientNorm: infNorm(g), iterations: iteration, evaluations: evaluations, reason: .maxIterations)
    }

    // MARK: - Two-loop recursion

    /// −H g with H the L-BFGS inverse-Hessian approximation, scaled by γ = sᵀy / yᵀy.
    private func direction(_ g: [Double], _ history: [(s: [Double], y: [Double], rho: Double)]) -> [Double] {
        var q = g
        var alphas = [Double](repeating: 0, count: history.count)
        for i in stride(from: history.count - 1, through: 0, by: -1) {
            let a = history[i].rho * dot(history[i].s, q)
            alphas[i] = a
            axpy(-a, history[i].y, &q)
        }
        if let last = history.last {
            let gamma = dot(last.s, last.y) / dot(last.y, last.y)
            for i in q.indices { q[i] *= gamma }
        }
        for i in 0..<history.count {
            let b = history[i].rho * dot(history[i].y, q)
            axpy(alphas[i] - b, history[i].s, &q)
        }
        return q.map { -$0 }
    }

    // MARK: - Strong-Wolfe line search

    private struct Step { var alpha: Double; var f: Double; var g: [Double] }

    private func lineSearch(
        x: [Double], f0: Double, slope d0: Double, p: [Double], initial: Double,
        _ fg: ([Double], inout [Double]) -> Double
    ) -> (step: Step?, evaluations: Int) {
        let c1 = 1e-4, c2 = 0.9
        var evaluations = 0
        var best: Step? = nil
        func evaluate(_ alpha: Double) -> (Step, Double) {
            var g = [Double](repeating: 0, count: x.count)
            let point = zip(x, p).map { $0 + alpha * $1 }
            let f = fg(point, &g)
            evaluations += 1
            let step = Step(alpha: alpha, f: f, g: g)
            if f.isFinite, f < (best?.f ?? f0) { best = step }
            return (step, dot(g, p))
        }
        var lo = (alpha: 0.0, f: f0, d: d0)
        var alpha = initial
        var bracketHi: (alpha: Double, f: Double, d: Double)? = nil
        for i in 0..<maxLineSearchSteps {
            let (step, d) = evaluate(alpha)
            if !step.f.isFinite || step.f > f0 + c1 * alpha * d0 || (i > 0 && step.f >= lo.f) {
                bracketHi = (alpha, step.f.isFinite ? step.f : .greatestFiniteMagnitude, step.f.isFinite ? d : 0)
                break
            }
            if abs(d) <= -c2 * d0 { return (step, evaluations) }
            if d >= 0 { bracketHi = lo; lo = (alpha, step.f, d); break }
            lo = (alpha, step.f, d)
            alpha *= 2
        }
        guard var hi = bracketHi else { return (best, evaluations) }
        // Zoom: shrink [lo, hi] keeping lo the best point satisfying sufficient decrease.
        while evaluations < maxLineSearchSteps {
            let width = abs(hi.alpha - lo.alpha)
            if width < 1e-16 * max(1, abs(lo.alpha)) { break }
            var a = cubicMinimizer(lo, hi)
            let lower = min(lo.alpha, hi.alpha) + 0.1 * width, upper = max(lo.alpha, hi.alpha) - 0.1 * width
            if !a.isFinite || a < lower || a > upper { a = (lo.alpha + hi.alpha) / 2 }
            let (step, d) = evaluate(a)
            if !step.f.isFinite || step.f > f0 + c1 * a * d0 || step.f >= lo.f {
                hi = (a, step.f.isFinite ? step.f : .greatestFiniteMagnitude, d)
            } else {
                if abs(d) <= -c2 * d0 { return (step, evaluations) }
                if d * (hi.alpha - lo.alpha) >= 0 { hi = lo }
                lo = (a, step.f, d)
            }
        }
        return (best, evaluations)
    }

    /// Minimiser of the cubic matching φ and φ' at both ends (Nocedal & Wright eq. 3.59).
    private func cubicMinimizer(_ a: (alpha: Double, f: Double, d: Double), _ b: (alpha: Double, f: Double, d: Double)) -> Double {
        let d1 = a.d + b.d - 3 * (a.f - b.f) / (a.alpha - b.alpha)
        let radicand = d1 * d1 - a.d * b.d
        guard radicand >= 0 else { return .nan }
        let d2 = (b.alpha > a.alpha ? 1.0 : -1.0) * radicand.squareRoot()
        return b.alpha - (b.alpha - a.alpha) * (b.d + d2 - d1) / (b.d - a.d + 2 * d2)
    }
}

// MARK: - Small vector helpers (parameter vectors are ~10⁴ long; BLAS would not pay off)

func dot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in a.indices { s += a[i] * b[i] }
    return s
}

func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
    for i in y.indices { y[i] += alpha * x[i] }
}

func infNorm(_ a: [Double]) -> Double { a.reduce(0) { max($0, abs($1)) } }
