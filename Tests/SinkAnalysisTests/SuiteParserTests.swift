import Foundation
import XCTest
import TestSupport
@testable import SinkAnalysis

/// Suite files: every field decodes as documented, and every malformed file gives one message
/// naming the field path and its line.
final class SuiteParserTests: XCTestCase {
    static let full = """
        name: demo
        description: every field
        seed: 7
        layers: [0, 2]
        folds: 3
        bootstrap: 200
        permutations: 5
        controls: false
        groups:
          cls: {}
          patches: {reduce: maxnorm}
          sinks: {kind: sinks, method: relative, k: 3}
          att: {kind: nonsinks, method: attention, m: 5, reduce: tokens}
          rnd: {kind: random, matched: sinks}
          four: {kind: random, k: 4, reduce: tokens}
          auto: {kind: sinks, method: norm, tau: auto}
        targets:
          texture: {kind: label, tag: global}
          q: {kind: label, column: quadrant}
          row: {kind: position, axis: row}
          grid: {kind: position}
          patch_color: {}
          ctl: {kind: control, of: texture}
        probes:
          logistic: {c: 0.5, max_iter: 50}
          ridge: {alpha: 2}
          spectrum: {kind: pca, components: 3}
        """

    func testEveryFieldDecodesInFileOrderWithDefaultsForKinds() throws {
        let s = try SuiteParser.parse(yaml: Self.full, source: "demo.yaml")
        XCTAssertEqual(s.name, "demo")
        XCTAssertEqual(s.seed, 7)
        XCTAssertEqual(s.layers, .list([0, 2]))
        XCTAssertEqual([s.folds, s.bootstrap, s.permutations], [3, 200, 5])
        XCTAssertFalse(s.controls)
        XCTAssertEqual(s.groups.map(\.name), ["cls", "patches", "sinks", "att", "rnd", "four", "auto"])
        XCTAssertEqual(s.groups[0].value, GroupEntry(kind: .cls))
        XCTAssertEqual(s.groups[1].value, GroupEntry(kind: .patches, reduce: .maxnorm))
        XCTAssertEqual(s.groups[2].value, GroupEntry(kind: .sinks, detection: DetectionSpec(method: .relative, k: 3)))
        XCTAssertEqual(s.groups[3].value, GroupEntry(kind: .nonsinks, detection: DetectionSpec(method: .attention, m: 5), reduce: nil))
        XCTAssertEqual(s.groups[4].value, GroupEntry(kind: .random, matched: "sinks"))
        XCTAssertEqual(s.groups[5].value, GroupEntry(kind: .random, k: 4, reduce: nil))
        XCTAssertEqual(s.groups[6].value.detection, DetectionSpec(method: .norm, tau: "auto"))
        XCTAssertEqual(s.targets.map(\.value), [
            TargetEntry(.label(column: "texture"), tag: "global"), TargetEntry(.label(column: "quadrant")),
            TargetEntry(.position(.row)), TargetEntry(.position(.rowCol)), TargetEntry(.patchColor),
            TargetEntry(.control(of: "texture")),
        ])
        XCTAssertEqual(s.probes.map(\.value), [.logistic(c: 0.5, maxIter: 50), .ridge(alpha: 2), .pca(components: 3)])
    }

    func testDefaultsForLeftOutFields() throws {
        let s = try SuiteParser.parse(yaml: "name: x\ngroups: {cls: {}}\nprobes: {pca: {}}\n", source: "x.yaml")
        XCTAssertEqual(s.layers, .all)
        XCTAssertEqual([s.folds, s.bootstrap, s.permutations], [5, 1000, 0])
        XCTAssertEqual(s.seed, 0)
        XCTAssertTrue(s.controls)
        XCTAssertEqual(s.probes.first?.value, .pca(components: 10))
    }

    /// What is written to results.json reads back as the same suite.
    func testEncodedSuiteDecodesToTheSameValue() throws {
        let s = try SuiteParser.parse(yaml: Self.full, source: "demo.yaml")
        let json = String(decoding: try JSONEncoder().encode(s), as: UTF8.self)
        var back = try SuiteParser.parse(yaml: json, source: "json")   // JSON is YAML
        // JSON objects have no order; the rows keep the file's order, the recorded settings need not.
        back.groups = s.groups.map { g in back.groups.first { $0.name == g.name }! }
        back.targets = s.targets.map { t in back.targets.first { $0.name == t.name }! }
        back.probes = s.probes.map { p in back.probes.first { $0.name == p.name }! }
        XCTAssertEqual(back, s)
    }

    func testDefaultSuitesInProbesParse() throws {
        let dir = Fixtures.repositoryRoot.appendingPathComponent("Probes")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertEqual(files, ["controls.yaml", "global-vs-local.yaml", "layer-sweep.yaml", "position.yaml"])
        for f in files {
            let s = try SuiteParser.parse(contentsOf: dir.appendingPathComponent(f))
            XCTAssertEqual(s.name + ".yaml", f)
            XCTAssertGreaterThanOrEqual(s.bootstrap, 1000, f)
        }
    }

    // MARK: - Errors

    /// Parses `yaml` and returns the error, failing when there is none.
    func error(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> SuiteError? {
        do {
            _ = try SuiteParser.parse(yaml: yaml, source: "bad.yaml")
            XCTFail("expected an error", file: file, line: line)
        } catch let e as SuiteError {
            return e
        } catch {
            XCTFail("not a SuiteError: \(error)", file: file, line: line)
        }
        return nil
    }

    static let base = "name: x\nprobes: {logistic: {}}\ngroups:\n"

    func testUnknownGroupKindNamesPathAndLine() {
        let e = error(Self.base + "  cls: {}\n  s: {kind: sink}\n")
        XCTAssertEqual(e?.path, "groups.s.kind")
        XCTAssertEqual(e?.line, 5)
        XCTAssertEqual(e?.description, "bad.yaml line 5: groups.s.kind: 'sink' is not one of cls, registers, patches, sinks, nonsinks, random.")
    }

    func testGroupWithoutKindWhoseNameIsNotAKind() {
        let e = error(Self.base + "  mine: {reduce: mean}\n")
        XCTAssertEqual(e?.path, "groups.mine.kind")
        XCTAssertEqual(e?.line, 4)
        XCTAssertTrue(e?.description.contains("missing") ?? false, e?.description ?? "")
    }

    func testUnknownDetectionMethod() {
        let e = error(Self.base + "  sinks:\n    kind: sinks\n    method: nrom\n")
        XCTAssertEqual(e?.path, "groups.sinks.method")
        XCTAssertEqual(e?.line, 6)
        XCTAssertTrue(e?.description.contains("unknown detection method 'nrom'; choose one of norm, relative, topk, attention, massive, sinkdim") ?? false)
    }

    func testParameterTheMethodDoesNotRead() {
        let e = error(Self.base + "  sinks: {kind: sinks, method: attention, k: 3}\n")
        XCTAssertEqual(e?.path, "groups.sinks.k")
        XCTAssertTrue(e?.description.contains("does not read 'k'; it reads m") ?? false, e?.description ?? "")
    }

    func testInvalidDetectionParameterValue() {
        let e = error(Self.base + "  sinks: {kind: sinks, method: topk, k: 2.5}\n")
        XCTAssertEqual(e?.path, "groups.sinks.k")
        XCTAssertTrue(e?.description.contains("whole number") ?? false, e?.description ?? "")
    }

    func testRandomGroupNeedsExactlyOneOfKAndMatched() {
        XCTAssertEqual(error(Self.base + "  r: {kind: random}\n")?.path, "groups.r")
        XCTAssertEqual(error(Self.base + "  r: {kind: random, k: 2, matched: cls}\n")?.path, "groups.r")
        XCTAssertEqual(error(Self.base + "  r: {kind: random, k: 0}\n")?.path, "groups.r.k")
    }

    func testMisspelledFieldIsRefused() {
        let e = error("name: x\ngroups: {cls: {}}\nprobes:\n  logistic: {c: 1, max_iters: 10}\n")
        XCTAssertEqual(e?.path, "probes.logistic.max_iters")
        XCTAssertEqual(e?.line, 4)
        XCTAssertTrue(e?.description.contains("allowed fields: kind, c, max_iter, alpha, components") ?? false, e?.description ?? "")
    }

    func testWrongTypeSaysWhatWasExpectedAndFound() {
        let e = error("name: x\nfolds: five\ngroups: {cls: {}}\nprobes: {pca: {}}\n")
        XCTAssertEqual(e?.path, "folds")
        XCTAssertEqual(e?.line, 2)
        XCTAssertEqual(e?.description, "bad.yaml line 2: folds: must be a whole number (found 'five').")
    }

    func testBadLayersAndRanges() {
        XCTAssertEqual(error("name: x\nlayers: some\ngroups: {cls: {}}\nprobes: {pca: {}}\n")?.path, "layers")
        XCTAssertEqual(error("name: x\nfolds: 1\ngroups: {cls: {}}\nprobes: {pca: {}}\n")?.path, "folds")
        XCTAssertEqual(error("name: x\ngroups: {cls: {}}\nprobes: {pca: {components: 0}}\n")?.path, "probes.pca.components")
        XCTAssertEqual(error("name: x\ngroups: {cls: {}}\nprobes: {ridge: {c: 1}}\n")?.path, "probes.ridge.c")
    }

    func testMissingRequiredFields() {
        XCTAssertEqual(error("groups: {cls: {}}\nprobes: {pca: {}}\n")?.path, "name")
        XCTAssertEqual(error("name: x\nprobes: {pca: {}}\n")?.path, "groups")
        XCTAssertEqual(error("name: x\nseed: -1\ngroups: {cls: {}}\nprobes: {pca: {}}\n")?.description,
                       "bad.yaml line 2: seed: must be a whole number ≥ 0 (found '-1').")
        XCTAssertEqual(error("name: x\ngroups: {cls: {}}\ntargets: {c: {kind: control}}\nprobes: {pca: {}}\n")?.path, "targets.c.of")
    }

    func testTargetFieldOfAnotherKind() {
        let e = error("name: x\ngroups: {cls: {}}\ntargets:\n  t: {kind: label, axis: row}\nprobes: {pca: {}}\n")
        XCTAssertEqual(e?.path, "targets.t.axis")
        XCTAssertEqual(e?.line, 4)
    }

    func testYAMLSyntaxErrorGivesTheLine() {
        let e = error("name: x\ngroups:\n  cls: {\n  patches: {}\nprobes: [pca\n")
        guard case let .syntax(file, line, _, _)? = e else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(file, "bad.yaml")
        XCTAssertGreaterThanOrEqual(line, 3)
        XCTAssertTrue(e!.description.hasPrefix("bad.yaml line \(line), column"), e!.description)
    }

    func testTabIndentationIsASyntaxErrorWithItsLine() {
        let e = error("name: x\ngroups:\n\tcls: {}\n")
        guard case let .syntax(_, line, _, _)? = e else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(line, 3)
    }

    func testRepeatedKeyIsRefused() {
        let e = error("name: x\ngroups:\n  cls: {}\n  cls: {reduce: maxnorm}\nprobes: {pca: {}}\n")
        XCTAssertEqual(e?.path, "groups.cls")
        XCTAssertEqual(e?.line, 4)
    }

    func testEmptyAndNonMappingFiles() {
        XCTAssertEqual(error("")?.path, "(file)")
        XCTAssertEqual(error("- a\n- b\n")?.path, "(file)")
    }

    func testMissingFile() {
        XCTAssertThrowsError(try SuiteParser.parse(contentsOf: URL(fileURLWithPath: "/nonexistent/suite.yaml"))) { e in
            XCTAssertEqual("\(e)", "cannot read the suite /nonexistent/suite.yaml: no such file.")
        }
    }
}
