import CVectorMath

// The hot elementwise loops of the forward (softmax, the MLP nonlinearities) live in the C target
// CVectorMath, compiled for the baseline x86-64 and for AVX2 + FMA and picked at run time; this file
// names the choice. Their exp (relative error < 3e-7) and erf (absolute error < 4e-7) are branch-free
// polynomials (glibc's erff alone cost ~50 ns a call, a third of a DINOv2 forward); VectorMathTests
// checks both paths against Double references.

/// The instruction set the elementwise loops run with on this CPU: "avx2+fma" or "baseline".
public var vectorMathPath: String { String(cString: ss_vector_path()) }

/// Runs the elementwise loops on the baseline path even where AVX2 + FMA is available (true), or
/// lets the CPU decide again (false); for timing and comparing the two paths.
public func forceBaselineVectorMath(_ on: Bool) { ss_force_baseline(on ? 1 : 0) }
