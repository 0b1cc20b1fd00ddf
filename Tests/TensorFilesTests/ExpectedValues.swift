import Foundation
import TestSupport
import XCTest
@testable import TensorFiles

/// The values `scripts/fixtures/make_tensorfile_fixtures.py` wrote into `expected.json`.
struct ExpectedArray: Decodable {
    let descr: String
    let dtype: String?
    let shape: [Int]?
    let values: [String]?
    let strings: [String]?
}

enum ExpectedValues {
    static let all: [String: ExpectedArray] = {
        let url = Fixtures.url("tensorfiles/expected.json")
        let data = try! Data(contentsOf: url)
        return try! JSONDecoder().decode([String: ExpectedArray].self, from: data)
    }()

    /// Asserts `tensor` has exactly the dtype, shape and values recorded under `key`.
    static func check(_ tensor: Tensor, _ key: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let e = all[key], let values = e.values else { return XCTFail("no expected values for \(key)", file: file, line: line) }
        XCTAssertEqual(tensor.dtype.rawValue, e.dtype, key, file: file, line: line)
        XCTAssertEqual(tensor.shape, e.shape, key, file: file, line: line)
        XCTAssertEqual(tensor.count, values.count, key, file: file, line: line)
        if tensor.dtype.isFloatingPoint {
            let got = tensor.doubles()
            for (i, text) in values.enumerated() {
                let want = Double(text)!
                let same = got[i] == want && got[i].sign == want.sign || (got[i].isNaN && want.isNaN)
                if !same { return XCTFail("\(key)[\(i)]: \(got[i]) != \(text)", file: file, line: line) }
            }
        } else {
            XCTAssertEqual(tensor.int64s(), values.map { Int64($0)! }, key, file: file, line: line)
        }
    }
}
