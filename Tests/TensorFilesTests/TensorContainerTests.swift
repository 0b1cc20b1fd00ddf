import Foundation
import TestSupport
import XCTest
@testable import TensorFiles

final class TensorContainerTests: XCTestCase {
    func testFormatIsDetectedFromContentNotName() throws {
        let dir = temporaryDirectory()
        let misnamed = dir.appendingPathComponent("really-an-npz.bin")
        try FileManager.default.copyItem(at: Fixtures.url("tensorfiles/deflated.npz"), to: misnamed)
        let file = try TensorContainer.open(misnamed)
        XCTAssertEqual(file.format, "npz")
        XCTAssertEqual(try file.view("hidden").shape, [2, 3, 4])
        XCTAssertEqual(try TensorContainer.open(Fixtures.url("tensorfiles/v1_f4.npy")).names, ["v1_f4"])
        XCTAssertEqual(try TensorContainer.open(Fixtures.url("tensorfiles/bf16.safetensors")).describe().map(\.dtype), ["BF16"])
        let described = try TensorContainer.open(Fixtures.url("tensorfiles/stored.npz")).describe()
        XCTAssertEqual(described.map(\.name), ["hidden", "mask", "steps", "big", "image_ids"])
        XCTAssertEqual(described.last?.dtype, "str(<U6)")
        let fake = dir.appendingPathComponent("fake.npy")
        try Data("not numpy".utf8).write(to: fake)
        XCTAssertThrowsError(try TensorContainer.open(fake)) { XCTAssertTrue("\($0)".contains("magic"), "\($0)") }
    }
}
