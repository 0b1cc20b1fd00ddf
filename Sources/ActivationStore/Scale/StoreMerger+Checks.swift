import Foundation

extension StoreMerger {
    /// The inputs in merge order, with what is missing from a sharded run.
    struct Plan {
        var readers: [StoreReader]
        var listImages: Int?
        var listHash: String?
        var missing: [MergeSummary.Missing]
    }

    /// Preprocessing entries that name paths on the machine that ran the extraction; they may
    /// differ between cluster nodes without the preprocessing differing.
    static let pathEntries: Set<String> = ["model_folder", "weights"]

    /// Every input must describe the same model and hold the same tensors as the first.
    static func checkCompatible(_ readers: [StoreReader]) throws {
        let a = readers[0]
        for b in readers.dropFirst() {
            func refuse(_ what: String, _ x: String, _ y: String) -> StoreError {
                .mergeRefused(problem: "\(b.url.path) has \(what) \(y) but \(a.url.path) has \(x)")
            }
            let ma = a.manifest.model, mb = b.manifest.model
            if ma.name != mb.name || ma.architecture != mb.architecture {
                throw refuse("model", "'\(ma.name)' (\(ma.architecture))", "'\(mb.name)' (\(mb.architecture))")
            }
            if ma.imageSize != mb.imageSize || ma.grid != mb.grid || ma.patchSize != mb.patchSize {
                throw refuse("image size", "\(ma.imageSize) px (grid \(ma.grid))", "\(mb.imageSize) px (grid \(mb.grid))")
            }
            if ma != mb { throw refuse("model description", "\(ma)", "\(mb)") }
            if a.manifest.capturedLayers != b.manifest.capturedLayers {
                throw refuse("layers", "\(a.manifest.capturedLayers)", "\(b.manifest.capturedLayers)")
            }
            if a.manifest.hiddenDType != b.manifest.hiddenDType {
                throw refuse("hidden dtype", a.manifest.hiddenDType.rawValue, b.manifest.hiddenDType.rawValue)
            }
            if a.manifest.receivedLayers != b.manifest.receivedLayers {
                throw refuse("received attention for layers", "\(a.manifest.receivedLayers)", "\(b.manifest.receivedLayers)")
            }
            if a.manifest.attentionLayers != b.manifest.attentionLayers {
                throw refuse("whole attention maps for layers", "\(a.manifest.attentionLayers)", "\(b.manifest.attentionLayers)")
            }
            if a.manifest.valueLayers != b.manifest.valueLayers {
                throw refuse("value norms (--capture values) for layers", "\(a.manifest.valueLayers ?? [])", "\(b.manifest.valueLayers ?? [])")
            }
            if a.manifest.extraTokens != b.manifest.extraTokens {
                throw refuse("extra tokens (test-time registers)", "\(a.manifest.extraTokens ?? 0)", "\(b.manifest.extraTokens ?? 0)")
            }
            let pa = (a.manifest.preprocessing ?? [:]).filter { !pathEntries.contains($0.key) }
            let pb = (b.manifest.preprocessing ?? [:]).filter { !pathEntries.contains($0.key) }
            if pa != pb {
                let key = Set(pa.keys).union(pb.keys).sorted().first { pa[$0] != pb[$0] } ?? "?"
                throw refuse("preprocessing \(key) =", pa[key] ?? "none", pb[key] ?? "none")
            }
        }
    }

    /// Shard stores in shard order, checked to come from one run; plain stores as given.
    static func order(_ readers: [StoreReader], allowPartial: Bool) throws -> Plan {
        let origins = readers.map(\.manifest.shard)
        if origins.allSatisfy({ $0 == nil }) { return Plan(readers: readers, missing: []) }
        if let plain = readers.first(where: { $0.manifest.shard == nil }) {
            throw StoreError.mergeRefused(problem: "\(plain.url.path) was not made with extract --shard but other inputs were; merge shard stores of one run, or plain stores")
        }
        let a = readers[0], oa = a.manifest.shard!
        for b in readers.dropFirst() {
            let ob = b.manifest.shard!
            guard ob.count == oa.count, ob.listImages == oa.listImages, ob.listHash == oa.listHash else {
                throw StoreError.mergeRefused(problem: "\(b.url.path) is shard \(ob.index)/\(ob.count) of a list of \(ob.listImages) images (hash \(ob.listHash)) but \(a.url.path) is shard \(oa.index)/\(oa.count) of a list of \(oa.listImages) (hash \(oa.listHash)): they come from different runs")
            }
        }
        var byIndex: [Int: StoreReader] = [:]
        for r in readers {
            let i = r.manifest.shard!.index
            if let other = byIndex[i] {
                throw StoreError.mergeRefused(problem: "\(other.url.path) and \(r.url.path) are both shard \(i)/\(oa.count)")
            }
            byIndex[i] = r
        }
        var missing: [MergeSummary.Missing] = []
        for i in 0..<oa.count {
            let positions = try ShardSpec(index: i, count: oa.count).positions(of: oa.listImages)
            guard let r = byIndex[i] else {
                if !positions.isEmpty {
                    missing.append(.init(shard: i, firstPosition: positions.lowerBound, count: positions.count, reason: "missing shard"))
                }
                continue
            }
            let origin = r.manifest.shard!
            let held = r.manifest.images.count + origin.skipped.count
            if held < origin.positions {
                // Shards are filled in list order, so what is missing is the tail of the shard's positions.
                missing.append(.init(shard: i, firstPosition: origin.firstPosition + held, count: origin.positions - held,
                                     reason: "incomplete shard, \(r.manifest.images.count) of \(origin.positions) images in \(r.url.path)"))
            }
        }
        if let gap = missing.first, !allowPartial {
            let what = gap.reason == "missing shard"
                ? "shard \(gap.shard)/\(oa.count) (list positions \(gap.firstPosition)..<\(gap.firstPosition + gap.count)) is not among the inputs"
                : "shard \(gap.shard)/\(oa.count) is an \(gap.reason); rerun its task (extract resumes) or"
            let more = missing.count > 1 ? " (and \(missing.count - 1) more gaps)" : ""
            throw StoreError.mergeRefused(problem: gap.reason == "missing shard"
                ? "\(what)\(more); pass --allow-partial to merge without it"
                : "\(what) pass --allow-partial to merge what is there\(more)")
        }
        return Plan(readers: byIndex.keys.sorted().map { byIndex[$0]! }, listImages: oa.listImages, listHash: oa.listHash, missing: missing)
    }

    /// No image id may be in two inputs.
    static func checkUniqueIDs(_ readers: [StoreReader]) throws {
        var owner: [String: String] = [:]
        for r in readers {
            for image in r.manifest.images {
                if let other = owner[image.id] {
                    throw StoreError.mergeRefused(problem: "image id '\(image.id)' is in both \(other) and \(r.url.path)")
                }
                owner[image.id] = r.url.path
            }
        }
    }
}
