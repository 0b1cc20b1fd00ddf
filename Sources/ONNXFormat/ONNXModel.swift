import Foundation
import SwiftProtobuf

/// A float initializer read out of an ONNX graph, as stored (no transposes applied).
public struct ONNXTensor: Sendable, Equatable {
    public let name: String
    /// The ONNX `dims`, outermost first.
    public let shape: [Int]
    /// Row-major values, converted to Float from FLOAT, FLOAT16 or DOUBLE storage.
    public let values: [Float]
}

/// An ONNX model file parsed with swift-protobuf from the generated `Onnx_ModelProto`.
///
/// Only what weight conversion needs is wrapped: the graph's nodes and its initializers (weights).
/// Tensors stored as external data are rejected: the model files SinkScope reads keep their weights inline.
///
///     let onnx = try ONNXModel(url: url)
///     let w = try onnx.initializer("backbone.embeddings.cls_token")   // shape [1, 1, 384]
public struct ONNXModel: Sendable {
    public let url: URL
    public let proto: Onnx_ModelProto
    private let initializerIndex: [String: Int]

    /// Protobuf caps a message at 2 GiB; anything larger is not an ONNX file with inline weights.
    static let maximumFileSize = 2 << 30

    /// Reads and parses the file.
    /// - Throws: `ONNXFormatError.unreadable` / `.notONNX` when the file is missing, too large, or not a
    ///   `ModelProto` with a graph.
    public init(url: URL) throws {
        let path = url.path
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw ONNXFormatError.unreadable(path: path, reason: "no such file or not accessible")
        }
        guard size > 0 else { throw ONNXFormatError.notONNX(path: path, reason: "the file is empty") }
        guard size <= Self.maximumFileSize else {
            throw ONNXFormatError.notONNX(path: path, reason: "\(size) bytes exceeds the 2 GiB protobuf limit")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw ONNXFormatError.unreadable(path: path, reason: error.localizedDescription)
        }
        try self.init(data: data, url: url)
    }

    /// Parses an in-memory ONNX file; `url` is only used in error messages.
    public init(data: Data, url: URL) throws {
        let proto: Onnx_ModelProto
        do {
            proto = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw ONNXFormatError.notONNX(path: url.path, reason: "protobuf decoding failed (\(error))")
        }
        guard proto.hasGraph, !proto.graph.node.isEmpty else {
            throw ONNXFormatError.notONNX(path: url.path, reason: "it has no graph nodes")
        }
        self.url = url
        self.proto = proto
        var index: [String: Int] = [:]
        for (i, t) in proto.graph.initializer.enumerated() { index[t.name] = i }
        self.initializerIndex = index
    }

    public var graph: Onnx_GraphProto { proto.graph }
    public var nodes: [Onnx_NodeProto] { proto.graph.node }
    public var initializerNames: [String] { proto.graph.initializer.map(\.name) }
    public func hasInitializer(_ name: String) -> Bool { initializerIndex[name] != nil }

    /// The node with this exact name, if any.
    public func node(named name: String) -> Onnx_NodeProto? {
        proto.graph.node.first { $0.name == name }
    }

    /// The initializer `name` as Float values with its ONNX shape.
    /// - Throws: `.missingInitializer`, `.unsupportedTensor` (external data, non-float type),
    ///   `.badTensor` (byte count or element count disagrees with the dims).
    public func initializer(_ name: String) throws -> ONNXTensor {
        guard let i = initializerIndex[name] else {
            throw ONNXFormatError.missingInitializer(path: url.path, name: name)
        }
        return try ONNXTensorDecoder.decode(proto.graph.initializer[i], path: url.path)
    }
}
