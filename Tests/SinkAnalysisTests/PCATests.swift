import XCTest
import LinearAlgebra
import TestSupport
@testable import SinkAnalysis

final class PCATests: XCTestCase {
    /// Explained-variance ratios within 1e-4 and components within 1e-3 of scikit-learn (up to
    /// sign — and the sign convention is the same, so signs must match too).
    private func check(_ fitted: FittedPCA, _ ref: PCAFixture, ratioTolerance: Double = 1e-4,
                       componentTolerance: Float = 1e-3, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(fitted.components.rows, ref.components, file: file, line: line)
        assertClose(fitted.explainedVarianceRatio, ref.explained_variance_ratio, absolute: ratioTolerance, relative: 0,
                    "ratios", file: file, line: line)
        assertClose(fitted.explainedVariance, ref.explained_variance, absolute: 1e-6, relative: 1e-4, "variances", file: file, line: line)
        assertClose(fitted.components.values, ref.components_.float.values, absolute: componentTolerance, relative: 0,
                    "components (sign convention included)", file: file, line: line)
        assertClose(fitted.mean, ref.mean.map { Float($0) }, absolute: 1e-4, relative: 1e-5, "mean", file: file, line: line)
    }

    func testExactMatchesScikitLearnTallAndWide() throws {
        let fixtures = try loadCases("pca.json", as: PCAFixture.self)
        XCTAssertEqual(fixtures.count, 2)
        for (name, ref) in fixtures {
            let fitted = try PCA(components: ref.components, method: .exact).fit(ref.x.float)
            try check(fitted, ref)
            let z = try fitted.transform(Matrix(rows: 10, cols: ref.x.cols, values: Array(ref.x.float.values[0..<(10 * ref.x.cols)])))
            assertClose(z.values, ref.transform_first_rows.float.values, absolute: 2e-3, relative: 1e-3, "transform \(name)")
        }
    }

    func testRandomizedMatchesScikitLearnExactAnswer() throws {
        let ref = try XCTUnwrap(try loadCases("pca.json", as: PCAFixture.self)["tall"])
        let fitted = try PCA(components: ref.components, method: .randomized, seed: 3).fit(ref.x.float)
        XCTAssertEqual(fitted.method, .randomized)
        try check(fitted, ref)
    }

    func testStreamingAccumulatorEqualsOneShotFit() throws {
        let ref = try XCTUnwrap(try loadCases("pca.json", as: PCAFixture.self)["tall"])
        let x = ref.x.float
        var accumulator = CovarianceAccumulator(features: x.cols)
        accumulator.blockRows = 37                       // several ssyrk blocks per add
        for start in stride(from: 0, to: x.rows, by: 64) {   // shards of 64 rows
            let rows = Array(start..<min(start + 64, x.rows))
            try accumulator.add(x.rows(rows))
        }
        XCTAssertEqual(accumulator.count, x.rows)
        try check(try PCA(components: ref.components).fit(accumulator), ref)
        // And the covariance itself against the naive two-pass formula.
        let cov = try accumulator.covariance()
        let mean = (0..<x.cols).map { j in (0..<x.rows).reduce(0.0) { $0 + Double(x[$1, j]) } / Double(x.rows) }
        for (r, c) in [(0, 0), (3, 17), (23, 5)] {
            let naive = (0..<x.rows).reduce(0.0) { $0 + (Double(x[$1, r]) - mean[r]) * (Double(x[$1, c]) - mean[c]) } / Double(x.rows - 1)
            XCTAssertEqual(cov[r, c], naive, accuracy: 1e-5 * max(1, abs(naive)))
        }
    }

    func testSignConventionLargestEntryPositive() throws {
        let (x, _) = blobs(classes: 4, perClass: 30, features: 8, seed: 5)
        for method in [PCA.Method.exact, .randomized] {
            let fitted = try PCA(components: 3, method: method).fit(x)
            for i in 0..<3 {
                let row = Array(fitted.components.row(i))
                let largest = row.indices.max { abs(row[$0]) < abs(row[$1]) }!
                XCTAssertGreaterThan(row[largest], 0)
            }
        }
    }

    func testAutoPicksExactForModerateWidth() throws {
        let pca = PCA(components: 2)
        XCTAssertEqual(pca.resolvedMethod(samples: 100_000, features: 384), .exact)
        XCTAssertEqual(pca.resolvedMethod(samples: 100_000, features: 4096), .randomized)
    }

    // MARK: - Degenerate input

    func testComponentsOutOfRangeNamesTheLimit() {
        let (x, _) = blobs(classes: 2, perClass: 5, features: 4)
        XCTAssertThrowsError(try PCA(components: 5).fit(x)) { error in
            XCTAssertEqual("\(error)", "components=5 must be between 1 and min(samples, features) = min(10, 4) = 4.")
        }
        XCTAssertThrowsError(try PCA(components: 0).fit(x))
    }

    func testNaNIsATypedErrorNamingTheRow() {
        var (x, _) = blobs(classes: 2, perClass: 5, features: 4)
        x[7, 2] = .nan
        XCTAssertThrowsError(try PCA(components: 2).fit(x)) { error in
            XCTAssertEqual(error as? ProbeError, .nonFinite(what: "the PCA input", row: 7))
        }
    }

    /// Zero-variance features: the variance they add is zero, they get zero loadings, and the
    /// ratios still sum to the share of the other features.
    func testZeroVarianceFeaturesGetZeroLoadings() throws {
        var (x, _) = blobs(classes: 3, perClass: 20, features: 6, seed: 2)
        for i in 0..<x.rows { x[i, 4] = 7 }
        let fitted = try PCA(components: 5, method: .exact).fit(x)
        for i in 0..<5 { XCTAssertEqual(fitted.components[i, 4], 0, accuracy: 1e-5) }
        XCTAssertEqual(fitted.explainedVarianceRatio.reduce(0, +), 1, accuracy: 1e-6)
        let all = try PCA(components: 6, method: .exact).fit(x)
        XCTAssertEqual(all.explainedVariance[5], 0, accuracy: 1e-6)
        XCTAssertEqual(all.components[5, 4], 1, accuracy: 1e-5, "the null direction is the constant feature")
    }

    func testOneSampleIsTooFew() {
        XCTAssertThrowsError(try PCA(components: 1).fit(Matrix(rows: 1, cols: 3, values: [1, 2, 3]))) { error in
            XCTAssertEqual(error as? ProbeError, .tooFewSamples(samples: 1, folds: 2))
        }
    }
}
