import ActivationStore
import Foundation
import TestSupport
import XCTest

final class LabelsTableTests: XCTestCase {
    func testQuotedFieldsCRLFAndBOM() throws {
        let text = "\u{FEFF}image,caption,n\r\n\"a.png\",\"x, \"\"y\"\"\nz\",3\r\n\r\nb,,4\r\n"
        let table = try LabelsTable(text: text, source: "labels.csv")
        XCTAssertEqual(table.columns, ["caption", "n"])
        XCTAssertEqual(table.rows["a.png"], ["caption": "x, \"y\"\nz", "n": "3"])
        XCTAssertEqual(table.rows["b"], ["caption": "", "n": "4"])
    }

    func testMatchingByIDOrUniqueSourceFileName() throws {
        let table = try LabelsTable(text: "image,class\ncat.png,cat\ndog,dog\nx7,bird\n", source: "l.csv")
        let images = [ImageEntry(id: "i0", source: "/p/cat.png"), ImageEntry(id: "i1", source: "/p/dog.jpg"), ImageEntry(id: "x7", source: "/p/x.png")]
        let labelled = try table.apply(to: images)
        XCTAssertEqual(labelled.map { $0.labels["class"] }, ["cat", "dog", "bird"])
        // Images sharing one source (an imported dump) match by id only.
        let shared = [ImageEntry(id: "0", source: "/d/dump.npz"), ImageEntry(id: "1", source: "/d/dump.npz")]
        XCTAssertThrowsError(try LabelsTable(text: "image,c\ndump,a\n", source: "l.csv").apply(to: shared)) {
            XCTAssertTrue("\($0)".contains("not in the input: 'dump'"), "\($0)")
        }
    }

    func testMalformedTables() {
        for (text, phrase) in [("", "the labels file is empty; it needs a header 'image,<column>,...' and one line per image"),
                               ("\n \r\n\n", "the labels file is empty"),
                               ("\u{FEFF}", "the labels file holds only a UTF-8 byte-order mark; it needs a header"),
                               ("\u{FEFF}\r\n", "holds only a UTF-8 byte-order mark"),
                               ("image,class\n", "the labels file has a header (image, class) but no rows; add one line per image"),
                               ("\u{FEFF}image\r\n\r\n", "has a header (image) but no rows"),
                               (" , \nimage,c\na,1\n", "line 1 has no column names where the header belongs"),
                               ("name,class\na,b\n", "no 'image' column (it has: name, class)"),
                               ("image,c\na,1\na,2\n", "image 'a' appears on more than one line (again on line 3)"),
                               ("image,c\na,\"open\n", "line 2 is not valid CSV: a quoted field is not closed"),
                               ("image,c\na,\"x\"y\n", "text follows a closing quote"),
                               ("image,c\n,1\n", "line 2 has an empty 'image' value"),
                               ("image,image\na,b\n", "repeats a column")] {
            XCTAssertThrowsError(try LabelsTable(text: text, source: "labels.csv")) {
                XCTAssertTrue("\($0)".hasPrefix("labels.csv: ") && "\($0)".contains(phrase), "'\($0)' lacks '\(phrase)'")
                XCTAssertFalse("\($0)".contains("\n"), "\($0)")
            }
        }
    }

    /// The files of Tests/Fuzz/Regressions/labels_csv (empty, BOM-only, header-only) read through the
    /// file reader: one sentence each.
    func testRegressionInputsFromTheFuzzTargetGiveOneSentence() throws {
        let dir = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fuzz/Regressions/labels_csv")
        for (name, phrase) in [("empty-file-foundation-leak", "is empty"), ("bom-only.csv", "byte-order mark"), ("header-only.csv", "but no rows")] {
            XCTAssertThrowsError(try LabelsTable(url: dir.appendingPathComponent(name)), name) {
                XCTAssertTrue("\($0)".contains(phrase), "'\($0)' lacks '\(phrase)'")
            }
        }
    }
}
