import Foundation
import TestSupport
import VisionModels
import XCTest

/// `sinkscope extract --help` names every model type `--model` opens (towers and LVLM folders), so the
/// list cannot fall behind `ModelFolder.supportedModelTypes`, and shows an LVLM example.
final class ExtractHelpTests: XCTestCase {
    func testHelpListsEveryModelTypeWithAnLVLMExample() throws {
        let result = try CLI.run(["extract", "--help"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let words = Set(result.stdout.components(separatedBy: CharacterSet(charactersIn: " ,()\n")))
        for type in ModelFolder.supportedModelTypes {
            XCTAssertTrue(words.contains(type), "extract --help does not name model_type \(type)")
        }
        XCTAssertTrue(result.stdout.contains("sinkscope extract --model ~/models/llava-1.5-7b-hf"), result.stdout)
        XCTAssertTrue(result.stdout.contains("vision_feature_layer"), result.stdout)
    }
}
