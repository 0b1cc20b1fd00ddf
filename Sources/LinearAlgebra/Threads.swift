import CBLAS

/// Control over OpenBLAS's worker threads, exposed for the command line's `--threads`.
///
/// OpenBLAS reads `OPENBLAS_NUM_THREADS` at start-up; this overrides it for the whole process.
public enum BLASThreads {
    /// The number of threads OpenBLAS uses for one call.
    public static var count: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of OpenBLAS threads (values below 1 are raised to 1).
    public static func set(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, min(n, Int(Int32.max)))))
    }
}
