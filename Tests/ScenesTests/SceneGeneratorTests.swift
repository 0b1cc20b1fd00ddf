import Images
import ActivationStore
import Foundation
import TestSupport
import XCTest

@testable import Scenes

final class SceneGeneratorTests: XCTestCase {
    // MARK: - Labels

    func testAttributesAreBalancedAndEveryPairOfValuesOccurs() throws {
        let specs = try SceneGenerator(seed: 3).specs(count: 320)
        let columns: [(String, (SceneSpec) -> String, Int)] = [
            ("texture", { $0.texture.rawValue }, 4), ("orientation", { $0.orientation.rawValue }, 4),
            ("palette", { $0.palette.rawValue }, 4), ("layout", { $0.layout.rawValue }, 3),
            ("count", { "\($0.count)" }, 4), ("quadrant", { $0.quadrant.rawValue }, 4),
            ("object_color", { $0.objectColor.rawValue }, 4), ("object_shape", { $0.objectShape.rawValue }, 4),
        ]
        for (name, value, k) in columns {
            let counts = Dictionary(grouping: specs, by: value).mapValues(\.count)
            XCTAssertEqual(counts.count, k, name)
            XCTAssertLessThanOrEqual(counts.values.max()! - counts.values.min()!, 1, "\(name): \(counts)")
        }
        // Independence: every combination of values of every two attributes appears.
        for i in 0..<columns.count {
            for j in (i + 1)..<columns.count {
                let pairs = Set(specs.map { columns[i].1($0) + "|" + columns[j].1($0) })
                XCTAssertEqual(pairs.count, columns[i].2 * columns[j].2, "\(columns[i].0) x \(columns[j].0)")
            }
        }
    }

    func testLabelRowsMatchSpecs() throws {
        let specs = try SceneGenerator(seed: 1).specs(count: 5)
        let lines = SceneGenerator.csv(specs).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "image,texture,orientation,palette,layout,count,quadrant,object_color,object_shape,object_x,object_y")
        XCTAssertEqual(lines.count, 6)
        let s = specs[2]
        XCTAssertEqual(lines[3], "synth-00002,\(s.texture.rawValue),\(s.orientation.rawValue),\(s.palette.rawValue),\(s.layout.rawValue),\(s.count),\(s.quadrant.rawValue),\(s.objectColor.rawValue),\(s.objectShape.rawValue),\(s.objects[0].x),\(s.objects[0].y)")
        XCTAssertEqual(s.labels["quadrant"], s.quadrant.rawValue)
        XCTAssertNil(s.labels["image"])
    }

    // MARK: - Pixels

    func testDesignatedObjectSitsInItsQuadrantAndCountMatchesDrawnObjects() throws {
        let generator = try SceneGenerator(seed: 11)
        for spec in generator.specs(count: 32) {
            let image = try generator.image(spec)
            let px = Self.packed(image), w = image.width
            let color = Self.packed(spec.objectColor.rgb), white = Self.packed(ObjectColor.distractor)
            // Every pixel of the designated colour lies in the labelled quadrant.
            let half = spec.size / 2, q = spec.quadrant.cell
            var n = 0
            for (i, p) in px.enumerated() where p == color {
                n += 1
                XCTAssertEqual([i % w / half, i / w / half], [q.col, q.row], "\(spec.id): object pixel at \(i % w),\(i / w)")
            }
            XCTAssertGreaterThan(n, 50, "\(spec.id): designated object not drawn")
            // Each recorded centre has its fill colour, and the object pixels form exactly
            // `count` connected blobs.
            for o in spec.objects { XCTAssertEqual(px[o.y * w + o.x], Self.packed(o.fill), "\(spec.id): centre \(o.x),\(o.y)") }
            let blobs = Self.components(px.map { $0 == color || $0 == white }, width: w)
            XCTAssertEqual(blobs, spec.count, "\(spec.id): \(blobs) drawn objects, label says \(spec.count)")
        }
    }

    static func packed(_ c: RGB) -> UInt32 { UInt32(c.r) << 16 | UInt32(c.g) << 8 | UInt32(c.b) }
    static func packed(_ image: RGBImage) -> [UInt32] {
        let p = image.pixels
        return (0..<(image.width * image.height)).map { UInt32(p[3 * $0]) << 16 | UInt32(p[3 * $0 + 1]) << 8 | UInt32(p[3 * $0 + 2]) }
    }

    func testBackgroundShadesNeverReachObjectColours() {
        let fills = ObjectColor.allCases.map(\.rgb) + [ObjectColor.distractor, RGB(0, 0, 0)]
        for palette in Palette.allCases {
            for shade in palette.shades.sky + palette.shades.ground {
                for jitter in -8...8 {
                    let s = shade.shifted(jitter)
                    for f in fills {
                        let d = max(abs(Int(s.r) - Int(f.r)), abs(Int(s.g) - Int(f.g)), abs(Int(s.b) - Int(f.b)))
                        XCTAssertGreaterThanOrEqual(d, 35, "\(palette) shade \(s) vs object \(f)")
                    }
                }
            }
        }
    }

    /// The number of 4-connected components of the `true` cells of a row-major mask.
    static func components(_ mask: [Bool], width w: Int) -> Int {
        let h = mask.count / w
        var seen = [Bool](repeating: false, count: mask.count), count = 0
        for start in 0..<mask.count where mask[start] && !seen[start] {
            count += 1
            var stack = [start]
            seen[start] = true
            while let i = stack.popLast() {
                let x = i % w, y = i / w
                for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)] where nx >= 0 && ny >= 0 && nx < w && ny < h {
                    let j = ny * w + nx
                    if mask[j] && !seen[j] { seen[j] = true; stack.append(j) }
                }
            }
        }
        return count
    }

    // MARK: - Files

    func testSameSeedWritesByteIdenticalFiles() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let a = root.appendingPathComponent("a"), b = root.appendingPathComponent("b"), c = root.appendingPathComponent("c")
        _ = try SceneGenerator(seed: 21).write(count: 12, to: a)
        _ = try SceneGenerator(seed: 21).write(count: 12, to: b)
        _ = try SceneGenerator(seed: 22).write(count: 12, to: c)
        let names = try FileManager.default.contentsOfDirectory(atPath: a.path).sorted()
        XCTAssertEqual(names.count, 15)
        XCTAssertEqual(names, try FileManager.default.contentsOfDirectory(atPath: b.path).sorted())
        for name in names {
            XCTAssertEqual(try Data(contentsOf: a.appendingPathComponent(name)), try Data(contentsOf: b.appendingPathComponent(name)), name)
        }
        XCTAssertNotEqual(try Data(contentsOf: a.appendingPathComponent("labels.csv")), try Data(contentsOf: c.appendingPathComponent("labels.csv")))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted(), ["a", "b", "c"], "no staging directory left")
    }

    func testWrittenImagesDecodeToTheRenderedPixelsAndListAsLabelled() throws {
        let dir = temporaryDirectory().appendingPathComponent("synth")
        let generator = try SceneGenerator(seed: 4, size: 96)
        let summary = try generator.write(count: 6, to: dir)
        XCTAssertEqual(summary.count, 6)
        let source = try ImageSource(path: dir)
        let csv = try String(contentsOf: dir.appendingPathComponent("labels.csv"), encoding: .utf8)
        let ids = csv.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
        XCTAssertEqual(source.items.map(\.id), ids)
        // The store's labels reader takes the file as is, keyed by the same ids.
        let table = try LabelsTable(url: dir.appendingPathComponent("labels.csv"))
        XCTAssertEqual(table.columns, Array(SceneSpec.labelColumns.dropFirst()))
        XCTAssertEqual(Set(table.rows.keys), Set(ids))
        let specs = generator.specs(count: 6)
        for (item, spec) in zip(source.items, specs) {
            let decoded = try ImageDecoder().decode(contentsOf: item.url)
            XCTAssertEqual(decoded, try generator.image(spec), item.id)
            XCTAssertEqual([decoded.width, decoded.height], [96, 96])
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("labels.md").path))
        struct Scene: Decodable { let id: String; let objects: [PlacedObject] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let scenes = try decoder.decode([Scene].self, from: Data(contentsOf: dir.appendingPathComponent("scenes.json")))
        XCTAssertEqual(scenes.map(\.objects), specs.map(\.objects))
    }

    func testRefusesNonEmptyDirectoryAndLeavesItAlone() throws {
        let dir = temporaryDirectory()
        let keep = dir.appendingPathComponent("keep.txt")
        try Data("mine".utf8).write(to: keep)
        XCTAssertThrowsError(try SceneGenerator(seed: 0).write(count: 2, to: dir)) { error in
            guard case .writeFailed(let path, _)? = error as? ImageError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, dir.path)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["keep.txt"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.deletingLastPathComponent().path)
            .filter { $0.contains(dir.lastPathComponent + ".partial") }, [])
    }

    func testInvalidSettings() {
        XCTAssertThrowsError(try SceneGenerator(seed: 0, size: 8))
        XCTAssertThrowsError(try SceneGenerator(seed: 0).write(count: 0, to: temporaryDirectory().appendingPathComponent("x")))
    }
}
