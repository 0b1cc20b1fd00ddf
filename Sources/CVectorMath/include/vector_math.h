#ifndef SINKSCOPE_VECTOR_MATH_H
#define SINKSCOPE_VECTOR_MATH_H

// The forward pass's elementwise loops (softmax, the MLP nonlinearities) in C, so that one source
// compiles twice: for the baseline x86-64 (SSE2, 4 lanes) and for AVX2 + FMA (8 lanes, fused
// multiply-adds), picked at run time from what the CPU reports (`ss_force_baseline` overrides it;
// the CLI calls it under SINKSCOPE_VECTOR_BASELINE). Swift has no per-function target attributes,
// so the Swift versions of these loops ran 4 lanes wide on every machine.
//
// Same algorithms as documented in VectorMath.swift: exp with relative error < 3e-7, erf with
// absolute error < 4e-7, NaN in gives NaN out.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The MLP nonlinearities, numbered as Swift's `Activation` maps them.
typedef enum {
    SSActivationGELU = 0,       // x/2 · (1 + erf(x/√2))
    SSActivationQuickGELU = 1,  // x · sigmoid(1.702 x)
    SSActivationGELUTanh = 2,   // x/2 · (1 + tanh(√(2/π)(x + 0.044715 x³)))
    SSActivationSiLU = 3        // x · sigmoid(x)
} SSActivation;

/// Applies `activation` in place to x[0..<count].
void ss_activation(SSActivation activation, float *x, ptrdiff_t count);

/// Layer norm of each of `rows` rows of `width` values: y = (x − mean) / √(var + eps) · gamma + beta,
/// with the biased variance; mean and variance are summed in double, 8 partial sums a row. y may be x.
void ss_layer_norm(float *y, const float *x, const float *gamma, const float *beta, ptrdiff_t rows, ptrdiff_t width, float eps);

/// Softmax of each of `rows` rows of `width` values in place (exp(x − max) / Σ), and, when `received`
/// is not NULL, received[j] += weight · Σ_rows p[row, j] (the column sums of the probabilities).
void ss_softmax_rows(float *x, ptrdiff_t rows, ptrdiff_t width, float *received, float weight);

/// y[i] = e^x[i] and y[i] = erf(x[i]) (x may equal y); the kernels above use these per element.
void ss_exp(const float *x, float *y, ptrdiff_t count);
void ss_erf(const float *x, float *y, ptrdiff_t count);

/// The path the calls above take on this CPU: "avx2+fma" or "baseline".
const char *ss_vector_path(void);

/// Forces the baseline path (1) or restores the automatic choice (0): to time or compare the paths.
void ss_force_baseline(int on);

#ifdef __cplusplus
}
#endif

#endif
