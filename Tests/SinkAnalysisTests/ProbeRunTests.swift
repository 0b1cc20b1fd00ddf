import ActivationStore
import Foundation
import LinearAlgebra
import TestSupport
import Support
import XCTest
@testable import SinkAnalysis

/// End-to-end probes over a small store with planted structure:
/// 30 images, CLS + 4×4 patches, D = 12, layers 0 and 1.
/// - layer 1: the CLS token and the two sink tokens of each image carry the image's class
///   ("shape", 3 classes) in dims 0–2; patch tokens carry their (row, col) in dims 3–4;
/// - layer 0: noise only.
/// Sinks (mask method "norm") are two fixed-per-image patches with a massive dim 11.
final class ProbeRunTests: XCTestCase {
    static let (images, grid, d) = (30, 4, 12)

    func makeStore(nanAt image: Int? = nil) throws -> StoreReader {
        let directory = temporaryDirectory("probe-run")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return try Self.makePlantedStore(in: directory, nanAt: image)
    }

    static func makePlantedStore(in directory: URL, nanAt image: Int? = nil) throws -> StoreReader {
        let url = directory.appendingPathComponent("store")
        let t = 1 + Self.grid * Self.grid, d = Self.d
        let model = ModelInfo(name: "planted", architecture: "vit", patchSize: 14, imageSize: 56, hiddenSize: d, heads: 1,
                              layers: 1, prefixTokens: 1, grid: [Self.grid, Self.grid])
        let writer = try StoreWriter(url: url, model: model, layers: [0, 1], hiddenDType: .f32, imagesPerShard: 8)
        var rng = SeededGenerator(seed: 99)
        var masks = [UInt8](repeating: 0, count: Self.images * t)
        let shapes = ["circle", "square", "star"]
        for i in 0..<Self.images {
            let label = i % 3
            let sinks = [1 + (i * 5) % 16, 1 + (i * 5 + 7) % 16]
            for s in sinks { masks[i * t + s] = 1 }
            var layer0 = [Float](repeating: 0, count: t * d), layer1 = layer0
            for tok in 0..<t {
                for j in 0..<d {
                    layer0[tok * d + j] = Float(rng.gaussian())
                    layer1[tok * d + j] = Float(rng.gaussian()) * 0.3
                }
                if tok == 0 || sinks.contains(tok) { layer1[tok * d + label] += 3 }
                if tok > 0 {
                    let p = tok - 1
                    layer1[tok * d + 3] += Float(p / Self.grid)
                    layer1[tok * d + 4] += Float(p % Self.grid)
                }
                if sinks.contains(tok) { layer1[tok * d + 11] = 60 }
            }
            if i == image { layer1[5] = .nan }
            let labels = ["shape": shapes[label], "size": "\(Double(i % 5) * 1.5)", "constant": "same"]
            try writer.append(ImageActivations(image: ImageEntry(id: "img\(i)", source: "img\(i).png", labels: labels),
                                               hidden: [0: layer0, 1: layer1]))
        }
        try writer.commit()
        let reader = try StoreReader(url: url)
        try reader.writeMasks(method: "norm", parameters: ["tau": "50"], masks: [0: masks, 1: masks])
        return try StoreReader(url: url)
    }

    func spec(_ group: String, _ target: String?, _ probe: ProbeKind, reduce: Reduction? = nil, bootstrap: Int = 200) -> ProbeSpec {
        ProbeSpec(group: TokenGroup(group)!, reduce: reduce, target: target.flatMap(ProbeTarget.init), probe: probe,
                  folds: 5, components: 3, seed: 1, bootstrapResamples: bootstrap)
    }

    func testCLSLabelProbeWithControlAndWrittenResults() throws {
        let store = try makeStore()
        let report = try ProbeRun.run(spec("cls", "label:shape", .logistic), store: store, showProgress: false)
        XCTAssertEqual(report.results.map(\.layer), [0, 1])
        let (noise, planted) = (report.results[0], report.results[1])
        XCTAssertEqual(planted.metric, "accuracy")
        XCTAssertGreaterThan(planted.score, 0.9)
        XCTAssertLessThan(noise.score, 0.7)
        XCTAssertEqual(planted.n, 30); XCTAssertEqual(planted.images, 30); XCTAssertEqual(planted.classes, 3)
        let (lower, upper) = (try XCTUnwrap(planted.ciLower), try XCTUnwrap(planted.ciUpper))
        XCTAssertLessThanOrEqual(lower, planted.score); XCTAssertGreaterThanOrEqual(upper, planted.score)
        XCTAssertLessThan(try XCTUnwrap(planted.controlScore), 0.7, "a per-image random label is not learnable on unseen images")
        XCTAssertEqual(try XCTUnwrap(planted.selectivity), planted.score - planted.controlScore!, accuracy: 1e-12)
        XCTAssertNotNil(planted.details["macro_f1"])

        let out = temporaryDirectory("probe-out")
        addTeardownBlock { try? FileManager.default.removeItem(at: out) }
        try ProbeRun.write(report, to: out)
        let csv = try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 3)
        XCTAssertTrue(csv[0].hasPrefix("layer,group,reduce,target,probe,metric,score,ci_lower,ci_upper,control_score,selectivity,p_value,n,images"))
        XCTAssertTrue(csv[2].hasPrefix("1,cls,token,label:shape,logistic,accuracy,"), String(csv[2]))
        let decoded = try JSONDecoder().decode(ProbeRunReport.self, from: Data(contentsOf: out.appendingPathComponent("results.json")))
        XCTAssertEqual(decoded.results, report.results)
        XCTAssertEqual(decoded.spec, report.spec)
    }

    func testSameSeedSameNumbers() throws {
        let store = try makeStore()
        let a = try ProbeRun.run(spec("sinks:norm", "label:shape", .logistic), store: store, showProgress: false)
        let b = try ProbeRun.run(spec("sinks:norm", "label:shape", .logistic), store: store, showProgress: false)
        XCTAssertEqual(a.results, b.results)
    }

    /// Token-level sink samples (2 per image, grouped folds) know the class; matched-size random
    /// non-sink patches do not.
    func testSinkTokensVersusMatchedBaseline() throws {
        let store = try makeStore()
        let sinks = try ProbeRun.run(spec("sinks:norm", "label:shape", .logistic), store: store, showProgress: false).results[1]
        let matched = try ProbeRun.run(spec("matched:norm", "label:shape", .logistic), store: store, showProgress: false).results[1]
        XCTAssertEqual(sinks.n, 60); XCTAssertEqual(matched.n, 60)
        XCTAssertGreaterThan(sinks.score, 0.9)
        XCTAssertLessThan(matched.score, 0.7)
        let mean = try ProbeRun.run(spec("sinks:norm", "label:shape", .logistic, reduce: .mean), store: store, showProgress: false).results[1]
        XCTAssertEqual(mean.n, 30)
    }

    func testPositionRidgeOnPatchesAndItsControl() throws {
        let store = try makeStore()
        let result = try ProbeRun.run(spec("patches", "position", .ridge, bootstrap: 100), store: store, showProgress: false).results
        XCTAssertEqual(result[1].metric, "r2")
        XCTAssertEqual(result[1].n, 30 * 16)
        XCTAssertGreaterThan(result[1].score, 0.8)
        XCTAssertLessThan(result[0].score, 0.2)
        XCTAssertLessThan(try XCTUnwrap(result[1].controlScore), 0.5, "a random position per position is not linear")
    }

    func testPCAReportsExplainedVariance() throws {
        let store = try makeStore()
        let r = try ProbeRun.run(spec("patches", nil, .pca), store: store, showProgress: false).results[1]
        XCTAssertEqual(r.metric, "explained_variance_ratio")
        XCTAssertEqual(try XCTUnwrap(r.explainedVarianceRatio).count, 3)
        XCTAssertEqual(r.score, r.explainedVarianceRatio!.reduce(0, +), accuracy: 1e-12)
        XCTAssertNil(r.controlScore)
    }

    /// The store has 4 shards; PCA accumulated shard by shard equals PCA of all samples at once.
    func testStreamedPCAEqualsInMemoryPCA() throws {
        let store = try makeStore()
        XCTAssertEqual(store.manifest.shards.count, 4)
        let r = try ProbeRun.run(spec("sinks:norm", nil, .pca), store: store, showProgress: false).results[1]
        let samples = try ProbeSamples.gather(from: store, layer: 1, group: .sinks("norm"), reduce: nil,
                                              images: Array(0..<30), seed: 1)
        let direct = try PCA(components: 3, method: .exact).fit(samples.x)
        assertClose(try XCTUnwrap(r.explainedVarianceRatio), direct.explainedVarianceRatio, absolute: 1e-9, relative: 1e-6)
        XCTAssertEqual(r.n, 60)
    }

    func testPermutationPValue() throws {
        let store = try makeStore()
        var s = spec("cls", "label:shape", .logistic, bootstrap: 0)
        s.layers = .list([1]); s.permutations = 9; s.control = false
        let r = try ProbeRun.run(s, store: store, showProgress: false).results[0]
        XCTAssertEqual(try XCTUnwrap(r.pValue), 0.1, accuracy: 1e-12, "(1 + 0) / (1 + 9): no permutation reaches the real score")
        XCTAssertNil(r.ciLower)
    }

    func testSpecDecodesFromSnakeCaseJSON() throws {
        let json = #"{"layers": "0,1", "group": "nonsinks:norm", "reduce": "maxnorm", "target": "label:shape", "probe": "logistic", "bootstrap_resamples": 500, "max_iterations": 50}"#
        let spec = try JSONDecoder().decode(ProbeSpec.self, from: Data(json.utf8))
        XCTAssertEqual(spec.layers, .list([0, 1])); XCTAssertEqual(spec.group, .nonsinks("norm")); XCTAssertEqual(spec.reduce, .maxnorm)
        XCTAssertEqual(spec.bootstrapResamples, 500); XCTAssertEqual(spec.maxIterations, 50); XCTAssertEqual(spec.folds, 5)
        let again = try JSONDecoder().decode(ProbeSpec.self, from: JSONEncoder().encode(spec))
        XCTAssertEqual(again, spec)
        XCTAssertThrowsError(try JSONDecoder().decode(ProbeSpec.self, from: Data(#"{"group": "sinks", "probe": "pca"}"#.utf8)))
    }

    // MARK: - Bad input

    func testClearErrors() throws {
        let store = try makeStore()
        func message(_ s: ProbeSpec) -> String {
            do { _ = try ProbeRun.run(s, store: store, showProgress: false); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message(spec("cls", "label:colour", .logistic)),
                       "label column=colour must be one of the store's label columns (constant, shape, size).")
        XCTAssertTrue(message(spec("cls", "label:constant", .logistic)).contains("single class"))
        XCTAssertTrue(message(spec("cls", "label:shape", .ridge)).contains("must be a number for a ridge probe"))
        XCTAssertTrue(message(spec("sinks:attention", "label:shape", .logistic)).contains("attention"))
        XCTAssertEqual(message(spec("cls", "position", .ridge, reduce: .mean)),
                       "reduce=mean must be absent or maxnorm for a position target (a mean of tokens has no position).")
        var tooMany = spec("cls", "label:shape", .logistic); tooMany.folds = 40
        XCTAssertEqual(message(tooMany), "40-fold cross-validation needs at least 40 samples but got 30; lower --folds or add images.")
        var missingLayer = spec("cls", "label:shape", .logistic); missingLayer.layers = .list([7])
        XCTAssertEqual(message(missingLayer), "layers=7 must be one of the captured layers 0,1.")
    }

    func testNaNActivationsNameTheImage() throws {
        let store = try makeStore(nanAt: 4)
        XCTAssertThrowsError(try ProbeRun.run(spec("cls", "label:shape", .logistic), store: store, showProgress: false)) { error in
            XCTAssertTrue("\(error)".contains("image img4"), "\(error)")
            XCTAssertTrue("\(error)".contains("NaN"), "\(error)")
        }
    }

    func testNumericLabelRidge() throws {
        let store = try makeStore()
        let r = try ProbeRun.run(spec("cls", "label:size", .ridge, bootstrap: 0), store: store, showProgress: false).results
        XCTAssertEqual(r[1].metric, "r2")
        XCTAssertLessThan(r[1].score, 0.5, "size is not encoded anywhere")
    }
}

/// Layer-by-layer and group-vs-group similarity on the planted store.
final class GroupSimilarityTests: XCTestCase {
    func testAcrossLayersAndBetweenGroups() throws {
        let directory = temporaryDirectory("group-similarity")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let store = try ProbeRunTests.makePlantedStore(in: directory)
        let layers = try RepresentationSimilarity.acrossLayers(store: store, layers: [0, 1], group: .sinks("norm"))
        XCTAssertEqual(layers.labels, ["layer 0", "layer 1"])
        XCTAssertEqual(layers.images, 30)
        XCTAssertEqual(layers.cka[0][0], 1); XCTAssertEqual(layers.cka[0][1], layers.cka[1][0])
        XCTAssertLessThan(layers.cka[0][1], 0.5, "layer 0 is noise, layer 1 is structured")
        let groups = try RepresentationSimilarity.betweenGroups(store: store, layer: 1, groups: [.sinks("norm"), .cls, .nonsinks("norm")])
        XCTAssertEqual(groups.labels, ["sinks:norm", "cls", "nonsinks:norm"])
        // Sinks and CLS carry the same class signal per image; non-sink patches do not.
        XCTAssertGreaterThan(groups.cka[0][1], groups.cka[0][2])
        // Direct check of one entry against the primitive on the matched matrices.
        let a = try ProbeSamples.gather(from: store, layer: 1, group: .sinks("norm"), reduce: .mean, images: Array(0..<30), seed: 0)
        let b = try ProbeSamples.gather(from: store, layer: 1, group: .cls, reduce: .mean, images: Array(0..<30), seed: 0)
        XCTAssertEqual(groups.cka[0][1], try RepresentationSimilarity.linearCKA(a.x, b.x), accuracy: 1e-12)
        XCTAssertEqual(groups.cosineOfMeans[0][1], try RepresentationSimilarity.cosineOfMeans(a.x, b.x), accuracy: 1e-12)
    }
}
