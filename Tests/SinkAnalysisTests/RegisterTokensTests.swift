import ActivationStore
import Foundation
import LinearAlgebra
import XCTest
import TestSupport
@testable import SinkAnalysis

/// Register tokens as their own group (probes, suites, detection) on a constructed store:
/// n = 2 images, T = CLS + 2 registers + 2×2 patches = 7 tokens, D = 2, layers 0 and 1
/// (received attention at layer 1 only). Norms, per image:
///
///     image 0: CLS 5,  registers 10, 20;  patches 1, 2, 2, 3  (median 2)
///     image 1: CLS 6,  registers 8, 12;   patches 2, 4, 4, 6  (median 4)
///
/// Received attention (sums to T = 7): image 0 CLS 1, registers 2, 3, patches 0.25 each;
/// image 1 CLS 0.5, registers 1.5, 3, patches 0.5 each.
final class RegisterTokensTests: XCTestCase {
    static let hidden: [[Float]] = [
        [3, 4, 6, 8, 0, 20, 1, 0, 2, 0, 0, 2, 3, 0],
        [0, 6, 8, 0, 0, 12, 2, 0, 0, 4, 4, 0, 0, 6],
    ]
    static let received: [[Float]] = [
        [1, 2, 3, 0.25, 0.25, 0.25, 0.25],
        [0.5, 1.5, 3, 0.5, 0.5, 0.5, 0.5],
    ]

    /// The store, with `registers` register tokens recorded in the manifest (0: the same tensors
    /// on a model without registers, i.e. three plain prefix tokens).
    func makeStore(registers: Int) throws -> StoreReader {
        let directory = temporaryDirectory("registers")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        var model = ModelInfo(name: registers > 0 ? "reg-vit" : "plain-vit", architecture: "vit", patchSize: 14, imageSize: 28,
                              hiddenSize: 2, heads: 1, layers: 1, prefixTokens: 3, grid: [2, 2])
        model.registers = registers
        let url = directory.appendingPathComponent("store")
        let writer = try StoreWriter(url: url, model: model, layers: [0, 1], hiddenDType: .f32, imagesPerShard: 2)
        for i in 0..<2 {
            try writer.append(ImageActivations(image: ImageEntry(id: "img\(i)", source: "img\(i).png", labels: ["k": "\(i)"]),
                                               hidden: [0: Self.hidden[i], 1: Self.hidden[i]], received: [1: Self.received[i]]))
        }
        try writer.commit()
        return try StoreReader(url: url)
    }

    // MARK: - Probe samples

    func testRegistersGroupParsesAndSelectsTheRegisterTokens() throws {
        XCTAssertEqual(TokenGroup("registers"), .registers)
        XCTAssertEqual(TokenGroup.registers.description, "registers")
        XCTAssertTrue(TokenGroup.grammar.contains("registers"))
        let store = try makeStore(registers: 2)
        let tokens = try ProbeSamples.gather(from: store, layer: 1, group: .registers, reduce: nil, images: [0, 1], seed: 0)
        XCTAssertEqual(tokens.x, Matrix(rows: 4, cols: 2, values: [6, 8, 0, 20, 8, 0, 0, 12]))
        XCTAssertEqual(tokens.token, [1, 2, 1, 2])
        XCTAssertEqual(tokens.image, [0, 0, 1, 1])
        let mean = try ProbeSamples.gather(from: store, layer: 1, group: .registers, reduce: .mean, images: [0, 1], seed: 0)
        XCTAssertEqual(mean.x, Matrix(rows: 2, cols: 2, values: [3, 14, 4, 6]))
        XCTAssertEqual(mean.token, [-1, -1])
        let top = try ProbeSamples.gather(from: store, layer: 1, group: .registers, reduce: .maxnorm, images: [0, 1], seed: 0)
        XCTAssertEqual(top.x, Matrix(rows: 2, cols: 2, values: [0, 20, 0, 12]))
        XCTAssertEqual(top.token, [2, 2])
        // CLS stays the first prefix token only.
        let cls = try ProbeSamples.gather(from: store, layer: 1, group: .cls, reduce: nil, images: [0, 1], seed: 0)
        XCTAssertEqual(cls.x, Matrix(rows: 2, cols: 2, values: [3, 4, 0, 6]))
    }

    func testRegistersGroupOnAModelWithoutRegistersIsOneSentence() throws {
        let store = try makeStore(registers: 0)
        XCTAssertThrowsError(try ProbeSamples.gather(from: store, layer: 1, group: .registers, reduce: .mean, images: [0, 1], seed: 0)) { error in
            XCTAssertEqual("\(error)", "model plain-vit has no register tokens (its manifest records registers: 0), so the group registers selects nothing; use cls or patches.")
        }
    }

    // MARK: - Suites

    func testSuiteRegistersGroup() throws {
        let yaml = "name: x\nfolds: 2\ngroups:\n  regs: {kind: registers, reduce: maxnorm}\n  registers: {}\nprobes: {pca: {components: 1}}\n"
        let resolved = try ResolvedSuite(try SuiteDocument(yaml: yaml, source: "s.yaml"), store: try makeStore(registers: 2))
        let bindings = try GroupBinding.bind(resolved.document.suite)
        XCTAssertEqual(bindings.map(\.token), [.registers, .registers])
        XCTAssertEqual(bindings.map(\.entry.reduce), [.maxnorm, .mean])
        XCTAssertThrowsError(try ResolvedSuite(try SuiteDocument(yaml: yaml, source: "s.yaml"), store: try makeStore(registers: 0))) { error in
            XCTAssertEqual("\(error)", "s.yaml line 4: groups.regs.kind: model plain-vit has no register tokens (its manifest records registers: 0), so the group registers selects nothing; use cls or patches.")
        }
        let bad = "name: x\ngroups:\n  registers: {method: norm}\nprobes: {pca: {}}\n"
        XCTAssertThrowsError(try SuiteDocument(yaml: bad, source: "s.yaml")) { error in
            XCTAssertTrue("\(error)".contains("a registers group does not read 'method'; it takes only kind and reduce"), "\(error)")
        }
        let position = GroupEntry(kind: .registers, reduce: nil)
        XCTAssertEqual(SuitePlan.mismatch(group: position, target: .position(.row), probe: .logistic(c: 1, maxIter: 100), numericLabels: []),
                       "register tokens have no patch position or colour")
    }

    // MARK: - Detection

    func testDetectionReportsRegistersBesideCLS() throws {
        let store = try makeStore(registers: 2)
        let report = try SinkDetection.run(store: store, detector: NormThreshold(tau: 100), layers: [1], write: false, progress: false)
        XCTAssertEqual(report.registers, 2)
        let l = report.layers[0]
        XCTAssertEqual(l.prefix.map(\.role), ["cls", "register 1", "register 2"])
        let regs = try XCTUnwrap(l.registers)
        XCTAssertEqual(regs.count, 2)
        XCTAssertEqual(regs.tokens, [1, 2])
        XCTAssertEqual(regs.meanNorm, 12.5)                          // (10 + 20 + 8 + 12) / 4
        XCTAssertEqual(regs.normRatio, 5)                            // ((10 + 20) / 2 / 2 + (8 + 12) / 2 / 4) / 2
        XCTAssertEqual(regs.meanReceived, 2.375)                     // (2 + 3 + 1.5 + 3) / 4
        XCTAssertEqual(regs.receivedRatio, 7.25)                     // ((2 + 3) / 2 / 0.25 + (1.5 + 3) / 2 / 0.5) / 2
        XCTAssertEqual(l.cls?.normRatio, 2)                          // (5 / 2 + 6 / 4) / 2
        XCTAssertEqual(l.cls?.receivedRatio, 2.5)                    // (1 / 0.25 + 0.5 / 0.5) / 2
        XCTAssertEqual(l.clsIsAttentionSink, false)
        let table = report.table()
        let lines = table.components(separatedBy: "\n")
        XCTAssertTrue(lines[0].hasSuffix("T=7 tokens (3 prefix, of them 2 registers)"), lines[0])
        XCTAssertEqual(lines[1], "layer threshold  sinks/img min  max  norm×   attn×   CLS norm× CLS attn× CLS sink CLS meets reg norm× reg attn× dims")
        XCTAssertEqual(lines[2], "1     100        0         0    0    -       -       2         2.5       no       0         5         7.25      -")
        XCTAssertTrue(lines[3].contains("; reg norm× / attn×: the same for the register tokens"), lines[3])
        XCTAssertEqual(lines[4], "register 1 at layer 1: norm× 3.5, attn× 5.5, top receiver in 0 of images, meets the criterion in 0")
        let json = try report.json()
        XCTAssertTrue(json.contains("\"registers\" : 2"), json)
        XCTAssertTrue(json.contains("\"receivedRatio\" : 7.25"), json)
    }

    func testStoreWithoutRegistersReportsAsBefore() throws {
        let store = try makeStore(registers: 0)
        let report = try SinkDetection.run(store: store, detector: NormThreshold(tau: 100), layers: [0, 1], write: false, progress: false)
        XCTAssertNil(report.registers)
        XCTAssertEqual(report.layers.map(\.registers), [nil, nil])
        XCTAssertEqual(report.layers[1].prefix.map(\.role), ["cls", "register 1", "register 2"], "unrecorded prefix tokens are named as before")
        XCTAssertEqual(report.table(), TableBeforeRegisters.table(report))
        XCTAssertFalse(try report.json().contains("\"registers\""))
    }
}

/// `DetectionReport.table()` as it was before registers (commit 6e97a96), verbatim but for the names.
enum TableBeforeRegisters {
    /// The per-layer table printed by `detect`: threshold, sinks per image, their norm and received
    /// attention relative to the other patches, CLS as attention sink, top dimensions.
    static func table(_ r: DetectionReport) -> String {
        let (store, method, parameters, images, tokens, prefixTokens, includePrefix, layers, writtenKeys) =
            (r.store, r.method, r.parameters, r.images, r.tokens, r.prefixTokens, r.includePrefix, r.layers, r.writtenKeys)
        let params = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        var lines = [
            "\(store): method \(method) (\(params)); n=\(images) images, T=\(tokens) tokens (\(prefixTokens) prefix)",
            pad(["layer", "threshold", "sinks/img", "min", "max", "norm×", "attn×", "CLS norm×", "CLS attn×", "CLS sink",
                 "CLS meets", "dims"]),
        ]
        for l in layers {
            let cls = l.prefix.first
            lines.append(pad([
                "\(l.layer)", thresholdText(l), f(l.sinks.meanPerImage), "\(l.sinks.minPerImage)", "\(l.sinks.maxPerImage)",
                f(l.normRatio), f(l.receivedRatio), f(cls?.normRatio), f(cls?.receivedRatio),
                l.clsIsAttentionSink.map { $0 ? "yes" : "no" } ?? "-", f(cls?.criterionShare), dimsText(l),
            ]))
        }
        lines.append("norm× / attn×: median norm / mean received attention of sinks ÷ the other patch tokens; "
            + "CLS norm× / attn×: CLS ÷ the image's median patch norm / mean patch received; "
            + "CLS sink: CLS is the top receiver in ≥ half the images; CLS meets: share of images where CLS meets the "
            + "criterion (\(includePrefix ? "included in the masks" : "not in the masks"))"
            + (layers.contains { $0.thresholdSource == "calibrated" } ? "; *: threshold calibrated on this layer." : "."))
        for l in layers {
            for r in l.prefix.dropFirst() {
                lines.append("\(r.role) at layer \(l.layer): norm× \(f(r.normRatio)), attn× \(f(r.receivedRatio)), "
                    + "top receiver in \(f(r.topReceiverShare)) of images, meets the criterion in \(f(r.criterionShare))")
            }
        }
        for l in layers {
            for note in l.notes { lines.append("note: \(note)") }
        }
        if !writtenKeys.isEmpty {
            lines.append("wrote \(writtenKeys.count) masks: \(writtenKeys.first ?? "") … \(writtenKeys.last ?? "")")
        }
        return lines.joined(separator: "\n")
    }

    private static func thresholdText(_ l: LayerDetection) -> String {
        switch l.thresholdSource {
        case "rank": return "top-k"
        case "none": return "none"
        default: return (l.threshold.map { String(format: "%.4g", $0) } ?? "-") + (l.thresholdSource == "calibrated" ? "*" : "")
        }
    }

    private static func dimsText(_ l: LayerDetection) -> String {
        if !l.dimensions.isEmpty { return l.dimensions.prefix(4).map { "\($0.dimension)" }.joined(separator: ",") }
        if !l.topSinkDimensions.isEmpty {
            return l.topSinkDimensions.prefix(3).map { "\($0.dimension)(" + String(format: "%.3g", $0.ratio) + "×)" }.joined(separator: ",")
        }
        return "-"
    }

    private static func f(_ x: Double?) -> String { x.map { String(format: "%.3g", $0) } ?? "-" }

    private static func pad(_ cells: [String]) -> String {
        let widths = [5, 10, 9, 4, 4, 7, 7, 9, 9, 8, 9, 0]
        return zip(cells, widths).map { c, w in c.count >= w ? c : c + String(repeating: " ", count: w - c.count) }
            .joined(separator: " ")
    }
}
