/// How one y[M, N] = x[M, K] · Wᵀ is cut into single-threaded sgemms for `threads` workers.
///
/// Each worker takes one equal block of the first 7/8 of the rows; each such block packs all of W,
/// as one sgemm per worker always did. The last eighth of the rows (the tail) is cut by columns
/// into 2 × threads pieces that go to whichever worker is free first (`parallelTasks`). Cutting
/// the tail by columns means a piece packs only its slice of W and the tail's few rows of x, so the
/// tail costs about one more packing of W in all, while it evens out workers that run at different
/// speeds (on a shared 2-vCPU host identical sgemms on the two cores differ by 5–10%, and with one
/// block each the faster core waited at the end of every projection).
///
/// Block and piece edges fall on multiples of 16 rows or columns (OpenBLAS's sgemm kernels work on
/// 16-wide strips on x86-64), so only the last block and piece have a partial strip.
struct GEMMSplit: Equatable {
    struct Piece: Equatable {
        let rows: Range<Int>
        let columns: Range<Int>
    }

    let pieces: [Piece]

    /// - Parameters:
    ///   - m: rows of x and y.
    ///   - n: columns of y (outputs of the projection).
    ///   - threads: workers that will take the pieces.
    init(rows m: Int, columns n: Int, threads: Int) {
        let strip = 16
        let workers = max(1, min(threads, m))
        guard workers > 1 else {
            pieces = [Piece(rows: 0..<m, columns: 0..<n)]
            return
        }
        // A tail needs enough rows to be worth a piece and enough columns for pieces of 4+ strips.
        let tailPieces = min(2 * workers, n / (4 * strip))
        let tail = m / 8 / strip * strip
        let head = tail >= strip && tailPieces >= 2 ? m - tail : m
        var cuts = [0]
        for w in 1..<workers { cuts.append(max(cuts[w - 1], head * w / workers / strip * strip)) }
        cuts.append(head)
        var pieces = (0..<workers).map { Piece(rows: cuts[$0]..<cuts[$0 + 1], columns: 0..<n) }.filter { !$0.rows.isEmpty }
        if head < m {
            for p in 0..<tailPieces {
                let from = n * p / tailPieces / strip * strip, to = p == tailPieces - 1 ? n : n * (p + 1) / tailPieces / strip * strip
                pieces.append(Piece(rows: head..<m, columns: from..<to))
            }
        }
        self.pieces = pieces
    }
}
