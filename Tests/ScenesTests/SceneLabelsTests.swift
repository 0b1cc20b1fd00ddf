import Foundation
import TestSupport
import XCTest

@testable import Scenes

/// labels.md (written next to every labels.csv) and docs/synth.md document every column and value.
final class SceneLabelsTests: XCTestCase {
    func testEveryColumnAndValueIsDocumented() throws {
        let docs = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("docs/synth.md"), encoding: .utf8)
        let values: [[String]] = [
            Texture.allCases.map(\.rawValue), Orientation.allCases.map(\.rawValue), Palette.allCases.map(\.rawValue),
            Layout.allCases.map(\.rawValue), Quadrant.allCases.map(\.rawValue), ObjectColor.allCases.map(\.rawValue),
            ObjectShape.allCases.map(\.rawValue),
        ]
        for text in [SceneLabels.markdown, docs] {
            for column in SceneSpec.labelColumns.dropFirst() { XCTAssertTrue(text.contains("`\(column)`"), column) }
            for list in values { XCTAssertTrue(text.contains(list.joined(separator: ", ")), list.joined(separator: ", ")) }
        }
    }
}
