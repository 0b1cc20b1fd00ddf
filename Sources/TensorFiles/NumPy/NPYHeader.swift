/// The preamble of a `.npy` file: magic, version, and the header dict.
///
/// Layout: `\x93NUMPY`, major, minor, header length (u16 LE for version 1, u32 LE for 2 and 3),
/// then the header (latin-1, or UTF-8 in version 3) padded with spaces and a newline.
struct NPYHeader {
    let version: (major: UInt8, minor: UInt8)
    let descriptor: NPYDescriptor
    let fortranOrder: Bool
    let shape: [Int]
    /// Offset of the array data from the start of the file.
    let dataOffset: Int

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    /// Parses the preamble of `raw` (a whole file or archive entry).
    static func parse(_ raw: UnsafeRawBufferPointer, file: String) throws -> NPYHeader {
        guard raw.count >= 6, Array(raw[0..<6]) == magic else { throw TensorFileError.badMagic(file: file) }
        guard raw.count >= 10 else { throw TensorFileError.truncated(file: file, needed: 10, available: raw.count, what: "the .npy preamble") }
        let major = raw[6], minor = raw[7]
        let lengthSize: Int
        switch major {
        case 1: lengthSize = 2
        case 2, 3: lengthSize = 4
        default: throw TensorFileError.badNPYHeader(file: file, problem: "format version \(major).\(minor) is not 1, 2 or 3")
        }
        guard raw.count >= 8 + lengthSize else {
            throw TensorFileError.truncated(file: file, needed: 8 + lengthSize, available: raw.count, what: "the .npy preamble")
        }
        var headerLength = 0
        for i in 0..<lengthSize { headerLength |= Int(raw[8 + i]) << (8 * i) }
        let start = 8 + lengthSize
        guard headerLength <= raw.count - start else {
            throw TensorFileError.truncated(file: file, needed: start + headerLength, available: raw.count, what: "the .npy header")
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: raw[start..<(start + headerLength)])
        // Versions 1 and 2 are latin-1, version 3 UTF-8.
        let text = major == 3
            ? String(decoding: headerBytes, as: UTF8.self)
            : String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))
        let literal: PythonLiteral
        do {
            literal = try PythonLiteral.parse(text)
        } catch let error as PythonLiteral.ParseError {
            throw TensorFileError.badNPYHeader(file: file, problem: error.message)
        }
        guard case let .dict(items) = literal else {
            throw TensorFileError.badNPYHeader(file: file, problem: "it is not a dict")
        }
        let fields = Dictionary(items, uniquingKeysWith: { _, b in b })
        guard case let .string(descr)? = fields["descr"] else {
            if case .sequence? = fields["descr"] {
                throw TensorFileError.unsupportedNPYDType(file: file, descr: "structured", reason: "structured (record) arrays are not supported")
            }
            throw TensorFileError.badNPYHeader(file: file, problem: "'descr' is missing or not a string")
        }
        guard case let .bool(fortran)? = fields["fortran_order"] else {
            throw TensorFileError.badNPYHeader(file: file, problem: "'fortran_order' is missing or not True/False")
        }
        guard case let .sequence(dims)? = fields["shape"] else {
            throw TensorFileError.badNPYHeader(file: file, problem: "'shape' is missing or not a tuple")
        }
        var shape: [Int] = []
        for dim in dims {
            guard case let .integer(digits) = dim, let value = Int(digits) else {
                throw TensorFileError.badShape(file: file, tensor: "array", shape: text.trimmingSpaces, problem: "a dimension is not an integer that fits in 64 bits")
            }
            guard value >= 0 else {
                throw TensorFileError.badShape(file: file, tensor: "array", shape: Shape.text(shape + [value]), problem: "dimension \(value) is negative")
            }
            shape.append(value)
        }
        return NPYHeader(
            version: (major, minor), descriptor: try NPYDescriptor(descr, file: file),
            fortranOrder: fortran, shape: shape, dataOffset: start + headerLength)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s = s.dropFirst() }
        while let c = s.last, c.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
