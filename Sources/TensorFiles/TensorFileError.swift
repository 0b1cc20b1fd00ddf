import Foundation

/// Everything that can be wrong with a tensor file. Each case carries the file (a path, or the
/// name of an archive entry such as `dump.npz:hidden_states.npy`) and the bad value, and prints
/// as one sentence.
public enum TensorFileError: Error, CustomStringConvertible, LocalizedError, Equatable {
    /// The file could not be opened or read at all.
    case unreadable(file: String, reason: String)
    /// The file ends before a structure it declares (header, data, zip record).
    case truncated(file: String, needed: Int, available: Int, what: String)
    /// The safetensors header length prefix points past the end of the file.
    case headerTooLarge(file: String, headerLength: UInt64, fileSize: Int)
    /// The safetensors header is not a JSON object of the expected form.
    case badHeader(file: String, problem: String)
    /// A dtype name this reader does not know.
    case unknownDType(file: String, tensor: String, dtype: String)
    /// A dimension is negative, not an integer, or the element count overflows.
    case badShape(file: String, tensor: String, shape: String, problem: String)
    /// A tensor's data_offsets fall outside the data region or are reversed.
    case offsetsOutOfBounds(file: String, tensor: String, begin: Int, end: Int, dataSize: Int)
    /// Two tensors' byte ranges overlap.
    case overlappingTensors(file: String, first: String, second: String)
    /// Bytes of the safetensors data region that no tensor covers (a gap between tensors, or
    /// bytes after the last one); `after` is the tensor they follow, nil at the start.
    case uncoveredData(file: String, bytes: Range<Int>, after: String?)
    /// shape × dtype size differs from the byte span the offsets give.
    case sizeMismatch(file: String, tensor: String, expected: Int, actual: Int)
    /// A tensor name that is not in the file.
    case missingTensor(file: String, tensor: String, available: [String])
    /// A row range outside dimension 0.
    case rowsOutOfRange(file: String, tensor: String, rows: Range<Int>, available: Int)
    /// The `.npy` magic string is missing.
    case badMagic(file: String)
    /// A `.npy` header that is not a valid Python dict literal with descr/fortran_order/shape.
    case badNPYHeader(file: String, problem: String)
    /// A `.npy` dtype this reader does not accept (big-endian, object, structured, ...).
    case unsupportedNPYDType(file: String, descr: String, reason: String)
    /// A malformed zip archive (`.npz`).
    case badZip(file: String, problem: String)
    /// A zip entry whose declared sizes disagree with the file or with its inflated data.
    case zipEntrySizeMismatch(file: String, entry: String, problem: String)
    /// zlib failed to inflate a deflated entry.
    case inflateFailed(file: String, entry: String, code: Int32)
    /// Writing a file failed.
    case writeFailed(file: String, reason: String)
    /// Values that cannot be turned into a tensor as asked (e.g. a string array as numbers).
    case conversion(file: String, problem: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read the file (\(reason))."
        case let .truncated(file, needed, available, what):
            return "\(file): the file is truncated: \(what) needs \(needed) bytes but only \(available) are there."
        case let .headerTooLarge(file, headerLength, fileSize):
            return "\(file): the safetensors header length \(headerLength) is larger than the file (\(fileSize) bytes)."
        case let .badHeader(file, problem):
            return "\(file): the safetensors header is not valid: \(problem)."
        case let .unknownDType(file, tensor, dtype):
            return "\(file): tensor '\(tensor)' has unknown dtype '\(dtype)' (expected one of \(DType.allCases.map(\.rawValue).joined(separator: ", ")))."
        case let .badShape(file, tensor, shape, problem):
            return "\(file): tensor '\(tensor)' has an invalid shape \(shape): \(problem)."
        case let .offsetsOutOfBounds(file, tensor, begin, end, dataSize):
            return "\(file): tensor '\(tensor)' has data_offsets [\(begin), \(end)] outside the data region of \(dataSize) bytes."
        case let .overlappingTensors(file, first, second):
            return "\(file): the data of tensors '\(first)' and '\(second)' overlap."
        case let .uncoveredData(file, bytes, after):
            let place = after.map { "after tensor '\($0)'" } ?? "before the first tensor"
            return "\(file): bytes \(bytes.lowerBound)..<\(bytes.upperBound) of the data region (\(bytes.count) bytes \(place)) belong to no tensor; a safetensors file's tensors must cover its data region exactly, with nothing before, between or after them."
        case let .sizeMismatch(file, tensor, expected, actual):
            return "\(file): tensor '\(tensor)' needs \(expected) bytes for its shape and dtype but its data_offsets span \(actual)."
        case let .missingTensor(file, tensor, available):
            let list = available.count > 12 ? available.prefix(12).joined(separator: ", ") + ", ..." : available.joined(separator: ", ")
            return "\(file): there is no tensor '\(tensor)' (the file has: \(list))."
        case let .rowsOutOfRange(file, tensor, rows, available):
            return "\(file): rows \(rows.lowerBound)..<\(rows.upperBound) of tensor '\(tensor)' are outside its \(available) rows."
        case let .badMagic(file):
            return "\(file): not a .npy file (the magic string \\x93NUMPY is missing)."
        case let .badNPYHeader(file, problem):
            return "\(file): the .npy header is not valid: \(problem)."
        case let .unsupportedNPYDType(file, descr, reason):
            return "\(file): the .npy dtype '\(descr)' is not supported: \(reason)."
        case let .badZip(file, problem):
            return "\(file): not a valid .npz (zip) archive: \(problem)."
        case let .zipEntrySizeMismatch(file, entry, problem):
            return "\(file): zip entry '\(entry)' lies about its size: \(problem)."
        case let .inflateFailed(file, entry, code):
            return "\(file): zip entry '\(entry)' could not be inflated (zlib error \(code)); the archive is corrupt."
        case let .writeFailed(file, reason):
            return "\(file): cannot write the file (\(reason))."
        case let .conversion(file, problem):
            return "\(file): \(problem)."
        }
    }

    public var errorDescription: String? { description }
}
