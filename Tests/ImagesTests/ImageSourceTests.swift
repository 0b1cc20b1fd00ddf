import Foundation
import TestSupport
import XCTest

@testable import Images

final class ImageSourceTests: XCTestCase {
    func touch(_ dir: URL, _ names: [String]) throws {
        for n in names { try Data([1]).write(to: dir.appendingPathComponent(n)) }
    }

    func testDirectoryListsTopLevelImagesSortedByName() throws {
        let dir = temporaryDirectory()
        try touch(dir, ["b.PNG", "a.jpg", "c.webp", "notes.txt", ".hidden.png", "noext"])
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try touch(dir.appendingPathComponent("sub"), ["inner.png"])
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder.png"), withIntermediateDirectories: true)
        let source = try ImageSource(path: dir)
        XCTAssertEqual(source.items.map(\.id), ["a", "b", "c"])
        XCTAssertEqual(source.items.map(\.url.lastPathComponent), ["a.jpg", "b.PNG", "c.webp"])
    }

    func testListFileIsRelativeToItsFolderAndKeepsOrder() throws {
        let dir = temporaryDirectory()
        let list = dir.appendingPathComponent("list.txt")
        try "# my images\nphotos/z.png\n\n  /abs/path/y.jpg  \r\nx.gif\n".write(to: list, atomically: true, encoding: .utf8)
        let source = try ImageSource(path: list)
        XCTAssertEqual(source.items.map(\.id), ["z", "y", "x"])
        XCTAssertEqual(source.items[0].url.path, dir.appendingPathComponent("photos/z.png").path)
        XCTAssertEqual(source.items[1].url.path, "/abs/path/y.jpg")
    }

    func testDuplicateIDsAreAnError() throws {
        let dir = temporaryDirectory()
        try touch(dir, ["cat.png", "cat.jpg"])
        XCTAssertThrowsError(try ImageSource(directory: dir)) { error in
            guard case .duplicateID("cat", let a, let b)? = error as? ImageError else { return XCTFail("\(error)") }
            XCTAssertTrue(a.hasSuffix("cat.jpg") && b.hasSuffix("cat.png"), "\(a) \(b)")
            XCTAssertTrue("\(error)".contains("cat.jpg") && "\(error)".contains("cat.png"))
        }
    }

    func testEmptyDirectoryAndMissingPath() throws {
        let dir = temporaryDirectory()
        XCTAssertThrowsError(try ImageSource(path: dir)) { error in
            XCTAssertEqual(error as? ImageError, .noImages(path: dir.path))
        }
        let missing = dir.appendingPathComponent("nope")
        XCTAssertThrowsError(try ImageSource(path: missing)) { error in
            XCTAssertEqual(error as? ImageError, .sourceNotFound(path: missing.path))
        }
    }

    func testIDKeepsInnerDots() {
        XCTAssertEqual(ImageSource.id(for: URL(fileURLWithPath: "/x/cat.01.png")), "cat.01")
    }
}
