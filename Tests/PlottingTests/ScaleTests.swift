import XCTest

@testable import Plotting

/// Nice ticks (Heckbert / MaxNLocator style), compact labels, and value-to-fraction mapping.
final class ScaleTests: XCTestCase {
    func testLinearTicksAreNiceNumbers() {
        XCTAssertEqual(Scale(linear: 0, 1).ticks(maxCount: 6).map(\.value), [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        XCTAssertEqual(Scale(linear: 0, 97).ticks(maxCount: 6).map(\.value), [0, 20, 40, 60, 80])
        XCTAssertEqual(Scale(linear: 3.7, 18.2).ticks(maxCount: 5).map(\.value), [5, 10, 15])
        XCTAssertEqual(Scale(linear: -1, 1).ticks(maxCount: 5).map(\.value), [-1, -0.5, 0, 0.5, 1])
        XCTAssertEqual(Scale(linear: 0, 10).ticks(maxCount: 5).map(\.value), [0, 2.5, 5, 7.5, 10])
        // Exact decimals, not 0.30000000000000004.
        XCTAssertEqual(Scale(linear: 0.1, 0.5).ticks(maxCount: 5).map(\.value), [0.1, 0.2, 0.3, 0.4, 0.5])
        XCTAssertEqual(Scale(linear: 0.0013, 0.0042).ticks(maxCount: 4).map(\.value), [0.002, 0.003, 0.004])
    }

    func testEveryLinearTickIsAMultipleOfANiceStep() {
        for (lo, hi) in [(0.0, 1.0), (-3.3, 7.9), (120.0, 1337.0), (1e-5, 3e-5), (-250.0, -20.0), (0.0, 12.0)] {
            for maxCount in 2...11 {
                let l = TickLocator.linear(lower: lo, upper: hi, maxCount: maxCount)
                let mantissa = l.step / pow(10, floor(log10(l.step) + 1e-9))
                XCTAssertTrue([1, 2, 2.5, 5].contains { abs($0 - mantissa) < 1e-9 }, "step \(l.step) for \(lo)...\(hi)")
                // Two ticks cannot always be nice (1e-5...3e-5): then three.
                XCTAssertLessThanOrEqual(l.values.count, max(maxCount, 3), "\(lo)...\(hi) max \(maxCount)")
                XCTAssertGreaterThanOrEqual(l.values.count, 2, "\(lo)...\(hi) max \(maxCount)")
                for v in l.values {
                    XCTAssertTrue(v >= lo - 1e-12 && v <= hi + 1e-12, "tick \(v) outside \(lo)...\(hi)")
                    XCTAssertEqual((v / l.step).rounded(), v / l.step, accuracy: 1e-6)
                }
            }
        }
    }

    func testIntegerTicksForLayerIndices() {
        XCTAssertEqual(Scale(linear: 0, 3).ticks(maxCount: 10, integer: true).map(\.value), [0, 1, 2, 3])
        XCTAssertEqual(Scale(linear: -0.36, 12.36).ticks(maxCount: 8, integer: true).map(\.value), [0, 2, 4, 6, 8, 10, 12])
        XCTAssertTrue(Scale(linear: 0, 24).ticks(maxCount: 6, integer: true).allSatisfy { $0.value == $0.value.rounded() })
    }

    func testLabelsShareDecimalsAndUseATrueMinus() {
        XCTAssertEqual(Scale(linear: 0, 10).ticks(maxCount: 5).map(\.label), ["0.0", "2.5", "5.0", "7.5", "10.0"])
        XCTAssertEqual(Scale(linear: -1, 1).ticks(maxCount: 5).map(\.label), ["\u{2212}1.0", "\u{2212}0.5", "0.0", "0.5", "1.0"])
        XCTAssertEqual(Scale(linear: 0, 97).ticks(maxCount: 6).map(\.label), ["0", "20", "40", "60", "80"])
        XCTAssertEqual(TickFormatter.linear([0, 50_000, 100_000, 150_000], step: 50_000), ["0", "5e4", "1e5", "1.5e5"])
        XCTAssertEqual(TickFormatter.linear([0.0002, 0.0004], step: 0.0002), ["2e\u{2212}4", "4e\u{2212}4"])
        XCTAssertEqual(TickFormatter.plain(-0.0001, decimals: 2), "0.00")  // never "−0.00"
    }

    func testLogTicksAreDecadesWithMinorTicksBetween() throws {
        let s = try Scale(log: 0.5, 20_000)
        XCTAssertEqual(s.ticks(maxCount: 8).map(\.value), [1, 10, 100, 1000, 10_000])
        XCTAssertEqual(s.ticks(maxCount: 8).map(\.label), ["10⁰", "10¹", "10²", "10³", "10⁴"])
        let minor = s.minorTicks(maxCount: 8)
        XCTAssertTrue(minor.contains(2) && minor.contains(90) && minor.contains(20_000))
        XCTAssertFalse(minor.contains(10))
        // Plain labels while every tick is in 0.01...1000.
        XCTAssertEqual(try Scale(log: 0.5, 2000).ticks(maxCount: 8).map(\.label), ["1", "10", "100", "1000"])
        // Too many decades: every second one.
        XCTAssertEqual(try Scale(log: 1e-6, 1e6).ticks(maxCount: 7).map(\.value), [1e-6, 1e-4, 1e-2, 1, 1e2, 1e4, 1e6])
        // Under two decades: 1-2-5 steps.
        XCTAssertEqual(try Scale(log: 1.5, 60).ticks(maxCount: 8).map(\.value), [2, 5, 10, 20, 50])
    }

    func testFractionMapsTheRangeToZeroOne() throws {
        let lin = Scale(linear: 10, 20)
        XCTAssertEqual(lin.fraction(10), 0)
        XCTAssertEqual(lin.fraction(15), 0.5)
        XCTAssertEqual(lin.value(atFraction: 0.25), 12.5)
        let log = try Scale(log: 1, 1000)
        XCTAssertEqual(log.fraction(10), 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(log.value(atFraction: 2.0 / 3), 100, accuracy: 1e-9)
        XCTAssertEqual(log.fraction(0), -.infinity)
    }

    func testDegenerateAndInvalidRanges() {
        let flat = Scale(linear: 5, 5)
        XCTAssertLessThan(flat.lower, 5)
        XCTAssertGreaterThan(flat.upper, 5)
        XCTAssertEqual(Scale(linear: 0, 0).lower, -1)
        XCTAssertEqual(Scale(linear: 3, 1).lower, 1)  // swapped
        XCTAssertThrowsError(try Scale(log: 0, 10)) { error in
            XCTAssertTrue("\(error)".contains("log scale range"), "\(error)")
        }
        XCTAssertThrowsError(try Scale(log: -5, 10))
    }

    func testNicedWidensToTicks() throws {
        let n = Scale(linear: 0.3, 9.2).niced(maxCount: 6)
        XCTAssertEqual(n.lower, 0)
        XCTAssertEqual(n.upper, 10)
        let l = try Scale(log: 3, 420).niced(maxCount: 6)
        XCTAssertEqual(l.lower, 1, accuracy: 1e-12)
        XCTAssertEqual(l.upper, 1000, accuracy: 1e-9)
    }
}
