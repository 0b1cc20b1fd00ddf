import Foundation
import LinearAlgebra
import TestSupport

/// JSON fixtures written by scripts/fixtures/make_probe_fixtures.py (scikit-learn / numpy).
struct FixtureMatrix: Decodable {
    let rows: Int
    let cols: Int
    let values: [Double]
    var float: Matrix { Matrix(rows: rows, cols: cols, values: values.map { Float($0) }) }
    var double: MatrixD { MatrixD(rows: rows, cols: cols, values: values) }
}

struct PCAFixture: Decodable {
    let x: FixtureMatrix
    let components: Int
    let explained_variance_ratio: [Double]
    let explained_variance: [Double]
    let components_: FixtureMatrix
    let mean: [Double]
    let transform_first_rows: FixtureMatrix
}

struct LogisticFixture: Decodable {
    let x_train: FixtureMatrix
    let y_train: [Int]
    let x_test: FixtureMatrix
    let y_test: [Int]
    let C: Double
    let classes: Int
    let n_iter: Int
    let accuracy: Double
    let log_loss: Double
    let coef: FixtureMatrix
    let intercept: [Double]
}

struct RidgeFixture: Decodable {
    let x: FixtureMatrix
    let y: FixtureMatrix
    let alpha: Double
    let coef: FixtureMatrix
    let intercept: [Double]
    let r2_train: Double
}

struct CKAFixture: Decodable {
    let x: FixtureMatrix
    let y: FixtureMatrix
    let cka: Double
    let cosine_of_means: Double
}

struct MetricsFixture: Decodable {
    let truth: [Int]
    let predicted: [Int]
    let probabilities: FixtureMatrix
    let accuracy: Double
    let balanced_accuracy: Double
    let macro_f1: Double
    let confusion: [[Int]]
    let log_loss: Double
    let y_true: FixtureMatrix
    let y_pred: FixtureMatrix
    let r2: Double
    let mse: Double
}

func loadFixture<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
    let data = try Data(contentsOf: Fixtures.url("probing/\(name)"))
    return try JSONDecoder().decode(T.self, from: data)
}

/// Seeded Gaussian blobs for tests that need data but no reference: `classes` centres in D
/// dimensions, `perClass` samples each, labels in order.
func blobs(classes: Int, perClass: Int, features: Int, spread: Double = 3, seed: UInt64 = 0) -> (Matrix, [Int]) {
    var rng = TestRandom(seed: seed &+ 1)
    let centres = (0..<(classes * features)).map { _ in rng.normal() * spread }
    var values: [Float] = [], labels: [Int] = []
    for c in 0..<classes {
        for _ in 0..<perClass {
            for j in 0..<features { values.append(Float(centres[c * features + j] + rng.normal())) }
            labels.append(c)
        }
    }
    return (Matrix(rows: classes * perClass, cols: features, values: values), labels)
}
/// A fixture file holding named cases plus a `_meta` object: decodes the cases only.
func loadCases<T: Decodable>(_ name: String, as type: T.Type) throws -> [String: T] {
    try loadFixture(name, as: [String: FixtureCase<T>].self).compactMapValues(\.value)
}

struct FixtureCase<T: Decodable>: Decodable {
    let value: T?
    init(from decoder: Decoder) throws { value = try? T(from: decoder) }
}
