import Foundation
import LinearAlgebra

/// The fastest a forward could run if it did nothing but its matrix products, each at the rate
/// `cblas_sgemm` reaches on that shape on this machine, now, with the bench's thread count.
///
/// Measured in the same run as the forwards so a busy machine lowers the limit as it lowers the
/// forwards. Each distinct shape of `ForwardGEMMs` is timed on its own (zero-filled buffers; sgemm's
/// speed does not depend on the values): a few rounds, each running enough calls for about 0.2 s of
/// work (at least one), the best round's time per call kept. The limit for a batch is the sum over
/// shapes of time per call × calls; for an image, that over the batch size.
///
/// Small shapes (per-window attention) run at a low rate through BLAS's call overhead; that is
/// part of the limit, since the forward calls sgemm on them too.
public struct GEMMLimit: Sendable, Codable, Equatable {
    /// The products' FLOPs per image.
    public var flopsPerImage: Double
    /// Seconds per image if every product ran at its measured rate and nothing else ran.
    public var secondsPerImage: Double
    public var threads: Int

    /// The limit in images/s.
    public var imagesPerSecond: Double { 1 / secondsPerImage }
    /// The overall sgemm rate over these shapes (FLOPs ÷ time), GFLOP/s.
    public var gigaflopsPerSecond: Double { flopsPerImage / secondsPerImage / 1e9 }

    /// What share of the limit a measured rate reaches (1 would be all time in sgemm at its best).
    public func fraction(of imagesPerSecond: Double) -> Double { imagesPerSecond / self.imagesPerSecond }

    /// The limit over the span between two probes: their mean time per image. On a shared host the
    /// sgemm rate drifts by 20% from one minute to the next, so a run compared with the probes taken
    /// just before and just after it is compared with the machine as it was while it ran.
    public static func around(_ before: GEMMLimit, _ after: GEMMLimit) -> GEMMLimit {
        var mean = before
        mean.secondsPerImage = (before.secondsPerImage + after.secondsPerImage) / 2
        return mean
    }

    /// Times every shape of `gemms` with OpenBLAS set to `threads` threads.
    public static func measure(_ gemms: ForwardGEMMs, threads: Int, rounds: Int = 3, secondsPerRound: Double = 0.2) -> GEMMLimit {
        BLASThreads.set(threads)
        var batchSeconds = 0.0
        for shape in gemms.shapes {
            let a = [Float](repeating: 0, count: shape.m * shape.k), b = [Float](repeating: 0, count: shape.k * shape.n)
            var c = [Float](repeating: 0, count: shape.m * shape.n)
            let perCall = shape.flops / Double(shape.calls)
            let calls = max(1, min(10_000, Int((secondsPerRound * 50e9 / perCall).rounded(.up))))  // ~0.2 s at 50 GFLOP/s
            var best = Double.infinity
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        for _ in 0..<max(1, rounds) {
                            let start = DispatchTime.now().uptimeNanoseconds
                            for _ in 0..<calls {
                                // Row-major, no transposes: C[m, n] = A[m, k] · B[k, n].
                                sgemm(m: shape.m, n: shape.n, k: shape.k, a: pa.baseAddress!, lda: shape.k, b: pb.baseAddress!,
                                      ldb: shape.n, c: pc.baseAddress!, ldc: shape.n)
                            }
                            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(calls))
                        }
                    }
                }
            }
            batchSeconds += best * Double(shape.calls)
        }
        return GEMMLimit(flopsPerImage: gemms.flopsPerImage, secondsPerImage: batchSeconds / Double(gemms.batch), threads: threads)
    }
}
