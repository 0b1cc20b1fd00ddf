import ActivationStore
import XCTest

final class ReceivedAttentionTests: XCTestCase {
    func testHeadMeanColumnSum() {
        // H = 2, T = 3. Head 0 is uniform (each token receives 1); head 1 sends everything to token 2 (it receives 3).
        let third: Float = 1.0 / 3
        let uniform = [Float](repeating: third, count: 9)
        let sink: [Float] = [0, 0, 1, 0, 0, 1, 0, 0, 1]
        let r = ReceivedAttention.compute(uniform + sink, heads: 2, tokens: 3)
        XCTAssertEqual(r.count, 3)
        XCTAssertEqual(r[0], 0.5, accuracy: 1e-6)
        XCTAssertEqual(r[1], 0.5, accuracy: 1e-6)
        XCTAssertEqual(r[2], 2.0, accuracy: 1e-6)
        XCTAssertEqual(r.reduce(0, +), 3, accuracy: 1e-5)  // softmax rows: the total is T
    }
}
