// See include/vector_math.h. The kernels are written once (SS_KERNELS) as plain loops over the
// per-element functions below and instantiated twice: `baseline` with the target's default flags
// (SSE2 on x86-64) and, on x86-64, `avx2` under __attribute__((target("avx2,fma"))). Clang
// vectorises both; in the second, 8 lanes wide with a*b + c contracted into FMAs. The CPU is asked
// once (cpuid, and xgetbv for the OS saving the YMM registers) which one to run.

#include "vector_math.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#define SS_X86_64 1
#else
#define SS_X86_64 0
#endif

#define SS_INLINE static inline __attribute__((always_inline))

SS_INLINE float ss_from_bits(uint32_t u) { float f; memcpy(&f, &u, sizeof f); return f; }
SS_INLINE uint32_t ss_to_bits(float f) { uint32_t u; memcpy(&u, &f, sizeof u); return u; }

// e^x, relative error < 3e-7 on [-87.3, 88.7]; inputs clamped there (e^-inf gives ~1e-38, not 0).
// Cody-Waite: x = n ln2 + r, |r| <= ln2/2; degree-7 Taylor polynomial for e^r; 2^n written into the
// exponent bits. n is rounded by adding 1.5 * 2^23, which also leaves n in the low mantissa bits of
// `shifted`, so no float-to-int conversion is needed. The clamps are comparisons that a NaN fails,
// so a NaN stays NaN.
SS_INLINE float ss_exp_one(float x) {
    x = x < -87.3f ? -87.3f : x;
    x = x > 88.7f ? 88.7f : x;
    float shifted = x * 1.442695040888963f + 12582912.0f;
    float n = shifted - 12582912.0f;
    float r = (x - n * 0.693359375f) - n * -2.12194440e-4f;   // ln2 split into exact hi + lo
    float p = 1.0f / 5040;
    p = p * r + 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    // bits(shifted) = 0x4B400000 + n; (n + 127) << 23 is 2^n.
    return p * ss_from_bits((ss_to_bits(shifted) - 0x4B3FFF81u) << 23);
}

// erf(x), absolute error < 4e-7. |x| >= 0.5: Abramowitz & Stegun 7.1.26,
// 1 - t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) e^(-x^2), t = 1 / (1 + p|x|); below 0.5, where that
// form cancels, the Maclaurin series up to x^11. Both are computed and one selected (no branch).
SS_INLINE float ss_erf_one(float x) {
    float a = fabsf(x);
    float t = 1.0f / (1.0f + 0.3275911f * a);
    float poly = 1.061405429f;
    poly = poly * t - 1.453152027f;
    poly = poly * t + 1.421413741f;
    poly = poly * t - 0.284496736f;
    poly = poly * t + 0.254829592f;
    float tail = 1.0f - poly * t * ss_exp_one(-a * a);
    float x2 = x * x;
    float series = -1.0f / 1320;
    series = series * x2 + 1.0f / 216;
    series = series * x2 - 1.0f / 42;
    series = series * x2 + 1.0f / 10;
    series = series * x2 - 1.0f / 3;
    series = series * x2 + 1.0f;
    float small = series * x * 1.1283791670955126f;   // 2/sqrt(pi); odd in x
    float large = x < 0 ? -tail : tail;
    return a < 0.5f ? small : large;
}

SS_INLINE float ss_gelu_one(float v) { return 0.5f * v * (1.0f + ss_erf_one(v * 0.70710678118654752f)); }
SS_INLINE float ss_quick_gelu_one(float v) { return v / (1.0f + ss_exp_one(-1.702f * v)); }
// tanh(u) written 1 - 2 / (1 + e^(2u)), which saturates cleanly through the exp clamp.
SS_INLINE float ss_gelu_tanh_one(float v) {
    float u = 0.7978845608028654f * (v + 0.044715f * v * v * v);
    return 0.5f * v * (2.0f - 2.0f / (1.0f + ss_exp_one(2.0f * u)));
}
SS_INLINE float ss_silu_one(float v) { return v / (1.0f + ss_exp_one(-v)); }

// The kernels. Reductions (row max, row sum) keep eight running lanes, since a single accumulator is
// one serial chain the compiler may not reassociate. A NaN in a row fails every comparison of the
// max and then turns the row's exp, sum and every probability NaN, as in PyTorch.
#define SS_KERNELS(NAME, ATTR)                                                                          \
    ATTR static void activation_##NAME(SSActivation activation, float *restrict x, ptrdiff_t count) {   \
        switch (activation) {                                                                           \
        case SSActivationGELU: for (ptrdiff_t i = 0; i < count; i++) x[i] = ss_gelu_one(x[i]); break;   \
        case SSActivationQuickGELU: for (ptrdiff_t i = 0; i < count; i++) x[i] = ss_quick_gelu_one(x[i]); break; \
        case SSActivationGELUTanh: for (ptrdiff_t i = 0; i < count; i++) x[i] = ss_gelu_tanh_one(x[i]); break; \
        case SSActivationSiLU: for (ptrdiff_t i = 0; i < count; i++) x[i] = ss_silu_one(x[i]); break;   \
        }                                                                                               \
    }                                                                                                   \
    ATTR static void exp_##NAME(const float *x, float *y, ptrdiff_t count) {                            \
        for (ptrdiff_t i = 0; i < count; i++) y[i] = ss_exp_one(x[i]);                                  \
    }                                                                                                   \
    ATTR static void erf_##NAME(const float *x, float *y, ptrdiff_t count) {                            \
        for (ptrdiff_t i = 0; i < count; i++) y[i] = ss_erf_one(x[i]);                                  \
    }                                                                                                   \
    ATTR static void softmax_##NAME(float *restrict x, ptrdiff_t rows, ptrdiff_t w, float *restrict received, \
                                    float weight) {                                                     \
        for (ptrdiff_t r = 0; r < rows; r++) {                                                          \
            float *restrict row = x + r * w;                                                            \
            float m[8];                                                                                 \
            for (int k = 0; k < 8; k++) m[k] = -INFINITY;                                               \
            ptrdiff_t j = 0;                                                                            \
            for (; j + 8 <= w; j += 8)                                                                  \
                for (int k = 0; k < 8; k++) m[k] = row[j + k] > m[k] ? row[j + k] : m[k];               \
            for (; j < w; j++) m[0] = row[j] > m[0] ? row[j] : m[0];                                    \
            for (int k = 1; k < 8; k++) m[0] = m[k] > m[0] ? m[k] : m[0];                               \
            const float mx = m[0];                                                                      \
            float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};                                                      \
            for (j = 0; j + 8 <= w; j += 8)                                                             \
                for (int k = 0; k < 8; k++) {                                                           \
                    float e = ss_exp_one(row[j + k] - mx);                                              \
                    row[j + k] = e;                                                                     \
                    s[k] += e;                                                                          \
                }                                                                                       \
            for (; j < w; j++) {                                                                        \
                float e = ss_exp_one(row[j] - mx);                                                      \
                row[j] = e;                                                                             \
                s[0] += e;                                                                              \
            }                                                                                           \
            const float inv = 1.0f / (((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))); \
            if (received) {                                                                             \
                for (j = 0; j < w; j++) {                                                               \
                    float p = row[j] * inv;                                                             \
                    row[j] = p;                                                                         \
                    received[j] += weight * p;                                                          \
                }                                                                                       \
            } else {                                                                                    \
                for (j = 0; j < w; j++) row[j] *= inv;                                                  \
            }                                                                                           \
        }                                                                                               \
    }                                                                                                   \
    ATTR static void layer_norm_##NAME(float *y, const float *x, const float *restrict gamma,           \
                                       const float *restrict beta, ptrdiff_t rows, ptrdiff_t d, float eps) { \
        for (ptrdiff_t r = 0; r < rows; r++) {                                                          \
            const float *xr = x + r * d;                                                                \
            float *yr = y + r * d;                                                                      \
            double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};                                                     \
            ptrdiff_t j = 0;                                                                            \
            for (; j + 8 <= d; j += 8)                                                                  \
                for (int k = 0; k < 8; k++) s[k] += (double)xr[j + k];                                  \
            for (; j < d; j++) s[0] += (double)xr[j];                                                   \
            const double sum = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));       \
            const float mean = (float)(sum / (double)d);                                                \
            double q[8] = {0, 0, 0, 0, 0, 0, 0, 0};                                                     \
            for (j = 0; j + 8 <= d; j += 8)                                                             \
                for (int k = 0; k < 8; k++) {                                                           \
                    const float c = xr[j + k] - mean;                                                   \
                    q[k] += (double)(c * c);                                                            \
                }                                                                                       \
            for (; j < d; j++) {                                                                        \
                const float c = xr[j] - mean;                                                           \
                q[0] += (double)(c * c);                                                                \
            }                                                                                           \
            const double sq = ((q[0] + q[1]) + (q[2] + q[3])) + ((q[4] + q[5]) + (q[6] + q[7]));        \
            const float inv = 1.0f / sqrtf((float)(sq / (double)d) + eps);                              \
            for (j = 0; j < d; j++) yr[j] = (xr[j] - mean) * inv * gamma[j] + beta[j];                  \
        }                                                                                               \
    }

SS_KERNELS(baseline, )
#if SS_X86_64
SS_KERNELS(avx2, __attribute__((target("avx2,fma"))))
#endif

// 1 when the CPU has AVX2 and FMA and the OS saves the YMM registers (OSXSAVE, XCR0 bits 1 and 2).
static int ss_cpu_has_avx2_fma(void) {
#if SS_X86_64
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (!(fma && osxsave && avx)) return 0;
    unsigned lo, hi;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 5) & 1;
#else
    return 0;
#endif
}

static int ss_detected = -1;   // -1: not asked yet; the answer never changes, so a racing first call is harmless
static int ss_baseline_forced = 0;

static int ss_use_avx2(void) {
    int detected = __atomic_load_n(&ss_detected, __ATOMIC_RELAXED);
    if (detected < 0) {
        detected = ss_cpu_has_avx2_fma();
        __atomic_store_n(&ss_detected, detected, __ATOMIC_RELAXED);
    }
    return detected && !__atomic_load_n(&ss_baseline_forced, __ATOMIC_RELAXED);
}

#if SS_X86_64
#define SS_DISPATCH(KERNEL, ...) (ss_use_avx2() ? KERNEL##_avx2(__VA_ARGS__) : KERNEL##_baseline(__VA_ARGS__))
#else
#define SS_DISPATCH(KERNEL, ...) KERNEL##_baseline(__VA_ARGS__)
#endif

void ss_activation(SSActivation activation, float *x, ptrdiff_t count) { SS_DISPATCH(activation, activation, x, count); }
void ss_softmax_rows(float *x, ptrdiff_t rows, ptrdiff_t width, float *received, float weight) {
    SS_DISPATCH(softmax, x, rows, width, received, weight);
}
void ss_layer_norm(float *y, const float *x, const float *gamma, const float *beta, ptrdiff_t rows, ptrdiff_t width, float eps) {
    SS_DISPATCH(layer_norm, y, x, gamma, beta, rows, width, eps);
}
void ss_exp(const float *x, float *y, ptrdiff_t count) { SS_DISPATCH(exp, x, y, count); }
void ss_erf(const float *x, float *y, ptrdiff_t count) { SS_DISPATCH(erf, x, y, count); }
const char *ss_vector_path(void) { return ss_use_avx2() ? "avx2+fma" : "baseline"; }
void ss_force_baseline(int on) { __atomic_store_n(&ss_baseline_forced, on ? 1 : 0, __ATOMIC_RELAXED); }
