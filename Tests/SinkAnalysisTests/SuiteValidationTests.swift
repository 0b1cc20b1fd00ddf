import ActivationStore
import Foundation
import XCTest
import Images
import Scenes
import TestSupport
@testable import SinkAnalysis

/// Checks of a suite against a store, which plan of combinations it runs, and the patch-colour
/// target's data.
final class SuiteValidationTests: XCTestCase {
    var store: StoreReader!
    var directory: URL!

    override func setUpWithError() throws {
        directory = temporaryDirectory("suite-validation")
        store = try StoreReader(url: try SuiteStoreFixture.make(in: directory, count: 12))
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    func resolve(_ yaml: String) throws -> ResolvedSuite {
        try ResolvedSuite(try SuiteDocument(yaml: yaml, source: "s.yaml"), store: store)
    }

    func resolveError(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> SuiteError? {
        do { _ = try resolve(yaml); XCTFail("expected an error", file: file, line: line) } catch let e as SuiteError { return e } catch {
            XCTFail("not a SuiteError: \(error)", file: file, line: line)
        }
        return nil
    }

    func testLayerOutOfRangeSaysTheValidRange() {
        let e = resolveError("name: x\nlayers: [0, 7]\ngroups: {cls: {}}\nprobes: {pca: {}}\n")
        XCTAssertEqual(e?.description, "s.yaml line 2: layers[1]: layer 7 is not in the store; it captured layers 0...2.")
    }

    func testUnknownLabelColumnListsTheStoresColumns() {
        let e = resolveError("name: x\ngroups: {cls: {}}\ntargets:\n  species: {kind: label}\nprobes: {logistic: {}}\n")
        XCTAssertEqual(e?.path, "targets.species")
        XCTAssertEqual(e?.line, 4)
        XCTAssertEqual(e?.description, "s.yaml line 4: targets.species: the store has no label column 'species'; the store's label columns are count, layout, object_color, object_shape, object_x, object_y, orientation, palette, quadrant, texture.")
        let explicit = resolveError("name: x\ngroups: {cls: {}}\ntargets:\n  t:\n    kind: label\n    column: specie\nprobes: {logistic: {}}\n")
        XCTAssertEqual(explicit?.path, "targets.t.column")
        XCTAssertEqual(explicit?.line, 6)
    }

    func testReferencesToMissingOrWrongGroupsAndTargets() {
        XCTAssertEqual(resolveError("name: x\ngroups:\n  cls: {}\n  r: {kind: random, matched: sinks}\nprobes: {pca: {}}\n")?.path, "groups.r.matched")
        let e = resolveError("name: x\ngroups:\n  cls: {}\n  r: {kind: random, matched: cls}\nprobes: {pca: {}}\n")
        XCTAssertEqual(e?.line, 4)
        XCTAssertTrue(e?.description.contains("matches the size of a sinks group") ?? false)
        XCTAssertEqual(resolveError("name: x\ngroups: {cls: {}}\ntargets: {c: {kind: control, of: nothing}}\nprobes: {logistic: {}}\n")?.path, "targets.c.of")
    }

    func testTargetThatNoCombinationUsesIsAnError() {
        let e = resolveError("name: x\ngroups: {cls: {}, patches: {}}\ntargets: {row: {kind: position, axis: row}}\nprobes: {logistic: {}}\n")
        XCTAssertEqual(e?.path, "targets.row")
        XCTAssertTrue(e?.description.contains("reduce: tokens or maxnorm") ?? false, e?.description ?? "")
        XCTAssertEqual(resolveError("name: x\ngroups: {cls: {}}\ntargets: {texture: {kind: label}}\nprobes: {logistic: {}, ridge: {}}\n")?.path, "probes.ridge")
    }

    func testFoldsAndRandomKAgainstTheStore() {
        XCTAssertEqual(resolveError("name: x\nfolds: 20\ngroups: {cls: {}}\nprobes: {pca: {}}\n")?.path, "folds")
        XCTAssertEqual(resolveError("name: x\ngroups: {r: {kind: random, k: 16}}\nprobes: {pca: {}}\n")?.path, "groups.r.k")
    }

    func testAttentionSinksNeedReceivedAttention() throws {
        let model = store.model
        let url = directory.appendingPathComponent("no-attention")
        let writer = try StoreWriter(url: url, model: model, layers: [0, 1, 2], hiddenDType: .f32)
        for i in 0..<6 {
            let x = [Float](repeating: Float(i), count: model.tokens * model.hiddenSize)
            try writer.append(ImageActivations(image: ImageEntry(id: "i\(i)", source: "none"), hidden: [0: x, 1: x, 2: x]))
        }
        try writer.commit()
        let bare = try StoreReader(url: url)
        let doc = try SuiteDocument(yaml: "name: x\nfolds: 2\ngroups:\n  s: {kind: sinks, method: attention, m: 5}\nprobes: {pca: {}}\n", source: "s.yaml")
        XCTAssertThrowsError(try ResolvedSuite(doc, store: bare)) { e in
            XCTAssertEqual((e as? SuiteError)?.path, "groups.s.method")
            XCTAssertTrue("\(e)".contains("--attention"))
        }
    }

    func testPlanPairsTargetsWithProbesAndGroupsAndListsTheSkips() throws {
        let r = try resolve("""
            name: x
            groups:
              cls: {}
              tok: {kind: random, k: 2, reduce: tokens}
            targets:
              texture: {kind: label}
              object_x: {kind: label}
              row: {kind: position, axis: row}
              grid: {kind: position}
              color: {kind: patch_color}
              rc: {kind: control, of: texture}
            probes:
              logistic: {}
              ridge: {}
              pca: {components: 2}
            """)
        let jobs = r.plan.jobs.map { "\($0.group)/\($0.target ?? "-")/\($0.probe)" }
        XCTAssertEqual(jobs, [
            "cls/texture/logistic", "cls/object_x/logistic", "cls/rc/logistic", "cls/object_x/ridge", "cls/-/pca",
            "tok/texture/logistic", "tok/object_x/logistic", "tok/row/logistic", "tok/rc/logistic",
            "tok/object_x/ridge", "tok/grid/ridge", "tok/color/ridge", "tok/-/pca",
        ])
        XCTAssertTrue(r.plan.skipped.contains("cls × row × logistic: the CLS token has no patch position or colour"))
        XCTAssertTrue(r.plan.skipped.contains("tok × texture × ridge: label texture is not numeric (logistic)"))
        XCTAssertTrue(r.plan.skipped.contains("tok × color × logistic: patch colour is continuous (ridge)"))
        XCTAssertEqual(r.layers, [0, 1, 2])
        XCTAssertTrue(r.numericLabels.isSuperset(of: ["object_x", "object_y", "count"]))
    }

    // MARK: - Patch colours

    /// The colours read back from the store's image files equal those of the images the fixture
    /// rendered, and the manifest's geometry reads back as written.
    func testPatchColorsFromTheStoreImages() throws {
        let colors = try PatchColors.load(store: store, images: [0, 5])
        let generator = try SceneGenerator(seed: 3, size: 56)
        let specs = generator.specs(count: 12)
        let expected = try [0, 5].flatMap { PatchColors.patchMeans(try generator.image(specs[$0]), grid: [4, 4], patchSize: 14)! }
        XCTAssertEqual(colors, expected)
        XCTAssertEqual(colors.count, 2 * 16 * 3)
        let geometry = try PatchColors.preprocessor(store)
        XCTAssertEqual(geometry.size, .exact(height: 56, width: 56))
        XCTAssertEqual(geometry.resample, .bilinear)
        XCTAssertFalse(geometry.doCenterCrop)
    }

    /// Patch means on a constructed image: one colour per patch.
    func testPatchMeansOfAConstructedImage() throws {
        var pixels = [UInt8](repeating: 0, count: 4 * 4 * 3)
        for y in 0..<4 { for x in 0..<4 where x >= 2 { pixels[(y * 4 + x) * 3] = 255 } }   // right half red
        pixels[0 * 3 + 2] = 255                                                             // one blue pixel at (0, 0)
        let image = try XCTUnwrap(RGBImage(width: 4, height: 4, pixels: pixels))
        let means = try XCTUnwrap(PatchColors.patchMeans(image, grid: [2, 2], patchSize: 2))
        XCTAssertEqual(means, [0, 0, 0.25, 1, 0, 0, 0, 0, 0, 1, 0, 0])
        XCTAssertNil(PatchColors.patchMeans(image, grid: [3, 3], patchSize: 2))
    }

    func testMissingImageFilesGiveOneSentence() throws {
        try FileManager.default.removeItem(at: directory.appendingPathComponent("images/synth-00001.png"))
        XCTAssertThrowsError(try PatchColors.load(store: store)) { e in
            guard case .patchColorUnavailable(_, let image, _)? = e as? SuiteError else { return XCTFail("\(e)") }
            XCTAssertEqual(image, "synth-00001")
            XCTAssertTrue("\(e)".contains("needs the image files"), "\(e)")
        }
    }
}
