/// How T tokens split into prefix tokens (CLS, registers) and a patch grid.
public struct TokenLayout: Sendable, Equatable {
    public var prefixTokens: Int
    /// `[rows, cols]`.
    public var grid: [Int]

    public init(prefixTokens: Int, grid: [Int]) {
        self.prefixTokens = prefixTokens
        self.grid = grid
    }

    /// The layout of `tokens` tokens: as given, or inferred.
    ///
    /// With neither flag, T = 1 + s² is read as one CLS token and an s×s grid. With only a prefix
    /// count, the rest must be a square; with only a grid, the prefix is what remains.
    /// - Throws: `StoreError.importFailed` (naming `file`) with the flag to give.
    public static func resolve(tokens: Int, prefixTokens: Int?, grid: [Int]?, file: String) throws -> TokenLayout {
        func fail(_ problem: String) -> StoreError { .importFailed(file: file, problem: problem) }
        if let grid {
            guard grid.count == 2, grid[0] > 0, grid[1] > 0 else { throw fail("--grid must be RxC with positive R and C") }
            let prefix = prefixTokens ?? tokens - grid[0] * grid[1]
            guard prefix >= 0, prefix + grid[0] * grid[1] == tokens else {
                throw fail("\(tokens) tokens do not split into \(prefixTokens.map(String.init) ?? "some") prefix tokens and a \(grid[0])x\(grid[1]) grid")
            }
            return TokenLayout(prefixTokens: prefix, grid: grid)
        }
        let prefix = prefixTokens ?? 1
        guard prefix >= 0, prefix < tokens, let side = exactSquareRoot(tokens - prefix) else {
            if prefixTokens == nil {
                throw fail("\(tokens) tokens is not 1 + a square, so the layout cannot be inferred; give --prefix-tokens N (CLS + registers) and/or --grid RxC")
            }
            throw fail("\(tokens) tokens minus \(prefix) prefix tokens is not a square grid; give --grid RxC")
        }
        return TokenLayout(prefixTokens: prefix, grid: [side, side])
    }

    private static func exactSquareRoot(_ n: Int) -> Int? {
        guard n > 0 else { return nil }
        var s = Int(Double(n).squareRoot())
        while s * s > n { s -= 1 }
        while (s + 1) * (s + 1) <= n { s += 1 }
        return s * s == n ? s : nil
    }
}
