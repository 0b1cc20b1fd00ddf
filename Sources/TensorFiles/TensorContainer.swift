import Foundation

/// Any tensor file SinkScope reads (`.safetensors`, `.npz`, `.npy`), behind one interface:
/// names, lazy views, string arrays and header-only descriptions.
///
/// The format is chosen from the first bytes (zip, `.npy` magic, otherwise safetensors), so a
/// misnamed file still opens as what it is.
public enum TensorContainer: Sendable {
    case safetensors(SafetensorsFile)
    case npz(NPZArchive)
    /// A single `.npy` array; its name is the file name without extension.
    case npy(TensorView)

    /// Opens `url`, validating its header / directory.
    public static func open(_ url: URL) throws -> TensorContainer {
        let head: [UInt8]
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            head = Array(try handle.read(upToCount: 6) ?? Data())
        } catch {
            throw TensorFileError.unreadable(file: url.path, reason: (error as NSError).localizedDescription)
        }
        if head.starts(with: [0x50, 0x4B]) { return .npz(try NPZArchive(url: url)) }  // "PK"
        if head.starts(with: NPYHeader.magic) { return .npy(try NPYReader.view(url: url)) }
        if url.pathExtension.lowercased() == "npy" { throw TensorFileError.badMagic(file: url.path) }
        if url.pathExtension.lowercased() == "npz" { throw TensorFileError.badZip(file: url.path, problem: "it does not start with a zip local header") }
        return .safetensors(try SafetensorsFile(url: url))
    }

    /// "safetensors", "npz" or "npy".
    public var format: String {
        switch self {
        case .safetensors: return "safetensors"
        case .npz: return "npz"
        case .npy: return "npy"
        }
    }

    /// The file path.
    public var path: String {
        switch self {
        case let .safetensors(f): return f.path
        case let .npz(a): return a.path
        case let .npy(v): return v.source
        }
    }

    /// Array names in file order.
    public var names: [String] {
        switch self {
        case let .safetensors(f): return f.names
        case let .npz(a): return a.names
        case let .npy(v): return [v.info.name]
        }
    }

    /// safetensors `__metadata__` (empty for numpy files).
    public var metadata: [String: String] {
        if case let .safetensors(f) = self { return f.metadata }
        return [:]
    }

    public func contains(_ name: String) -> Bool { names.contains(name) }

    /// A lazy view of numeric array `name`.
    public func view(_ name: String) throws -> TensorView {
        switch self {
        case let .safetensors(f): return try f.view(name)
        case let .npz(a): return try a.view(name)
        case let .npy(v):
            guard name == v.info.name else { throw TensorFileError.missingTensor(file: v.source, tensor: name, available: [v.info.name]) }
            return v
        }
    }

    /// String array `name` (`.npz` only).
    public func strings(_ name: String) throws -> [String] {
        guard case let .npz(a) = self else { throw TensorFileError.conversion(file: path, problem: "'\(name)' is not a string array") }
        return try a.strings(name)
    }

    /// Name, dtype text (the `DType` name, or the numpy descr for strings) and shape of every
    /// array, from headers only.
    public func describe() throws -> [(name: String, dtype: String, shape: [Int])] {
        switch self {
        case let .safetensors(f): return f.infos.map { ($0.name, $0.dtype.rawValue, $0.shape) }
        case let .npy(v): return [(v.info.name, v.dtype.rawValue, v.shape)]
        case let .npz(a):
            return try a.names.map { name in
                let info = try a.arrayInfo(name)
                return (name, info.dtype?.rawValue ?? "str(\(info.descr))", info.shape)
            }
        }
    }
}
