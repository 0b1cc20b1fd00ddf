import XCTest

@testable import Plotting

/// The colour maps are the published tables: their endpoints and midpoints match the values
/// in van der Walt & Smith's viridis/magma, ColorBrewer's RdBu and Moreland's coolwarm.
final class ColorMapTests: XCTestCase {
    func testEndpointsEqualPublishedValues() {
        let expected: [(ColorMap, UInt32, UInt32)] = [
            (.viridis, 0x440154, 0xFDE725),  // viridis: #440154 ... #fde725
            (.magma, 0x000004, 0xFCFDBF),  // magma: #000004 ... #fcfdbf
            (.rdBu, 0x67001F, 0x053061),  // ColorBrewer RdBu 11: #67001f ... #053061
            (.coolwarm, 0x3B4CC0, 0xB40426),  // Moreland: (59, 76, 192) ... (180, 4, 38)
        ]
        for (map, low, high) in expected {
            XCTAssertEqual(map.colors.count, 256, map.name)
            XCTAssertEqual(map.color(at: 0), RGB(hex: low), map.name)
            XCTAssertEqual(map.color(at: 1), RGB(hex: high), map.name)
        }
        // viridis' published midpoint (index 128): #21918c.
        XCTAssertEqual(ColorMap.viridis.colors[128], RGB(hex: 0x21918C))
        // RdBu's centre is ColorBrewer's #f7f7f7.
        XCTAssertEqual(ColorMap.rdBu.colors[127].hex >> 16, 0xF7)
    }

    func testLookupIndexesLikeMatplotlib() {
        let map = ColorMap.viridis
        XCTAssertEqual(map.color(at: 0.5), map.colors[128])  // floor(0.5 * 256)
        XCTAssertEqual(map.color(at: 0.999), map.colors[255])
        XCTAssertEqual(map.color(at: -3), map.colors[0])
        XCTAssertEqual(map.color(at: 7), map.colors[255])
        XCTAssertEqual(map.color(at: .nan), map.colors[0])
        XCTAssertEqual(map.color(for: 15, in: 10...20), map.colors[128])
    }

    func testPerceptualMapsGetLighterMonotonically() {
        for map in [ColorMap.viridis, .magma] {
            let lum = map.colors.map(\.luminance)
            for i in 1..<lum.count { XCTAssertGreaterThanOrEqual(lum[i], lum[i - 1] - 1e-3, "\(map.name) at \(i)") }
        }
    }

    func testReversedAndNamedLookup() {
        XCTAssertEqual(ColorMap.magma.reversed().color(at: 0), ColorMap.magma.color(at: 1))
        XCTAssertEqual(ColorMap.named("VIRIDIS"), .viridis)
        XCTAssertEqual(ColorMap.named("rdbu_r")?.color(at: 0), RGB(hex: 0x053061))
        XCTAssertEqual(ColorMap.named("rdbu_r")?.isDiverging, true)
        XCTAssertNil(ColorMap.named("jet"))
    }

    func testPalettes() {
        XCTAssertEqual(Palette.okabeIto.count, 8)
        XCTAssertEqual(Set(Palette.okabeIto).count, 8)
        XCTAssertEqual(Palette.okabeIto[0], RGB(hex: 0x0072B2))
        XCTAssertEqual(Palette.tab10[0], RGB(hex: 0x1F77B4))
        XCTAssertEqual(Palette.color(9), Palette.okabeIto[1])  // cycles
        XCTAssertEqual(Palette.color(-1), Palette.okabeIto[7])
        XCTAssertEqual(RGB(hex: 0x0072B2).description, "#0072B2")
    }
}
