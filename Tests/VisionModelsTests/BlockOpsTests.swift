import TestSupport
import XCTest

@testable import VisionModels

/// The generic block ops added for the coming families (RMSNorm, gated MLP, tanh GELU, SiLU) against
/// naive references written from their definitions.
final class BlockOpsTests: XCTestCase {
    private var rng = TestRandom(seed: 7)

    private func random(_ count: Int, scale: Float = 1, offset: Float = 0) -> [Float] {
        (0..<count).map { _ in Float(rng.normal()) * scale + offset }
    }

    func testRMSNormMatchesNaiveIncludingLargeValues() {
        let (rows, d) = (9, 384)
        let x = random(rows * d, offset: 50), g = random(d)
        var y = [Float](repeating: .nan, count: rows * d)
        rmsNorm(&y, x, gamma: g, rows: rows, width: d, eps: 1e-6)
        assertClose(y, naiveRMSNorm(x, gamma: g, rows: rows, width: d, eps: 1e-6), absolute: 1e-5, relative: 1e-5)
        // In place, as the forward calls it for a pre-norm.
        var z = x
        z.withUnsafeMutableBufferPointer { rmsNorm($0.baseAddress!, $0.baseAddress!, gamma: g, rows: rows, width: d, eps: 1e-6) }
        XCTAssertEqual(z, y)
    }

    func testRMSNormOfAConstantRowIsGamma() {
        let d = 8, g = random(d)
        var y = [Float](repeating: 0, count: d)
        rmsNorm(&y, [Float](repeating: -3, count: d), gamma: g, rows: 1, width: d, eps: 0)
        assertClose(y, g.map { -$0 }, absolute: 1e-6, relative: 1e-6)
    }

    func testGatedActivationMatchesNaiveForEveryActivation() {
        let (rows, i) = (5, 37)
        let gateUp = random(rows * 2 * i, scale: 3)
        for activation in Activation.allCases {
            var h = [Float](repeating: .nan, count: rows * i)
            gatedActivation(&h, gateUp, rows: rows, width: i, activation: activation)
            assertClose(h, naiveGatedActivation(gateUp, rows: rows, width: i, activation: activation),
                        absolute: 1e-5, relative: 1e-5, "\(activation)")
        }
    }

    func testNewActivationsMatchTheirDefinitionsAndKnownValues() {
        let x = random(1000, scale: 4) + [-100, 100, 0]
        for a in [Activation.geluTanh, .silu] {
            var y = x
            y.withUnsafeMutableBufferPointer { a.apply($0.baseAddress!, count: $0.count) }
            assertClose(y, x.map(a.reference), absolute: 1e-6, relative: 1e-5, "\(a)")
        }
        // silu(1) = σ(1) = 0.7310586; gelu_pytorch_tanh(1) = 0.8411920 (torch.nn.functional.gelu(approximate="tanh")).
        var silu: [Float] = [1], gelu: [Float] = [1]
        Activation.silu.apply(&silu, count: 1)
        Activation.geluTanh.apply(&gelu, count: 1)
        XCTAssertEqual(silu[0], 0.7310586, accuracy: 1e-6)
        XCTAssertEqual(gelu[0], 0.8411920, accuracy: 1e-6)
    }

    func testHFActivationNamesRoundTrip() throws {
        for a in Activation.allCases { XCTAssertEqual(try Activation(hfName: a.rawValue, source: "c.json"), a) }
        XCTAssertThrowsError(try Activation(hfName: "relu", source: "c.json")) { error in
            XCTAssertEqual("\(error)", "The model config c.json is invalid: hidden_act 'relu' is not supported (use gelu, quick_gelu, gelu_pytorch_tanh, silu).")
        }
    }
}
