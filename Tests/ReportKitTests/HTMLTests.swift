import XCTest
@testable import ReportKit

final class HTMLTests: XCTestCase {
    func testTextIsEscaped() {
        XCTAssertEqual(HTML.text("<script>alert(1)</script> & \"q\" 'a'").markup,
                       "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;")
    }

    func testAttributesAreEscaped() {
        let img = HTML.void("img", [("alt", "\"><script>x</script>")])
        XCTAssertEqual(img.markup, "<img alt=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\">")
    }

    func testControlCharactersAreReplaced() {
        XCTAssertEqual(HTML.escape("a\u{0}b\u{1B}c\nd"), "a\u{FFFD}b\u{FFFD}c\nd")
    }

    func testTableCellsAreEscaped() {
        let t = HTMLTable(header: ["<h>"], rows: [["<td>"]]).html.markup
        XCTAssertFalse(t.contains("<h>"))
        XCTAssertFalse(t.contains("<td><td>"))
        XCTAssertTrue(t.contains("&lt;td&gt;"))
    }
}
