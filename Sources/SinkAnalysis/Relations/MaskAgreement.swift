import Foundation

/// Agreement of two sink masks on one layer: the Jaccard index |A ∩ B| / |A ∪ B| over (image, token)
/// positions.
public struct MaskAgreement: Sendable, Codable, Equatable {
    public var layer: Int
    public var countA: Int
    public var countB: Int
    public var intersection: Int
    public var union: Int
    /// nil when both masks are empty (the index is undefined, not 1 or 0).
    public var jaccard: Double?

    /// Compares two `[n, T]` masks of the same layer.
    /// - Throws: `DetectionError.maskShapeMismatch` when their lengths differ.
    public init(layer: Int, _ a: [UInt8], _ b: [UInt8]) throws {
        guard a.count == b.count else {
            throw DetectionError.maskShapeMismatch(what: "masks compared at layer \(layer)", expected: [a.count], actual: [b.count])
        }
        self.layer = layer
        var ca = 0, cb = 0, both = 0, either = 0
        for i in 0..<a.count {
            let x = a[i] != 0, y = b[i] != 0
            if x { ca += 1 }
            if y { cb += 1 }
            if x && y { both += 1 }
            if x || y { either += 1 }
        }
        countA = ca; countB = cb; intersection = both; union = either
        jaccard = either > 0 ? Double(both) / Double(either) : nil
    }
}

/// Agreement between two methods across layers.
public struct AgreementReport: Sendable, Codable, Equatable {
    public var methodA: String
    public var methodB: String
    public var layers: [MaskAgreement]

    public init(methodA: String, methodB: String, layers: [MaskAgreement]) {
        self.methodA = methodA; self.methodB = methodB; self.layers = layers
    }
}
