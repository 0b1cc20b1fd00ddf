/// Typed views of a tensor's elements.
extension Tensor {
    /// Elements as Float, from any dtype (f64 rounds; ints convert; bool → 0/1).
    public func floats() -> [Float] { bytes.withUnsafeBytes { ElementCodec.floats($0, dtype: dtype) } }

    /// Elements as Double.
    public func doubles() -> [Double] { bytes.withUnsafeBytes { ElementCodec.doubles($0, dtype: dtype) } }

    /// Elements as Int64 (floats round toward zero).
    public func int64s() -> [Int64] { bytes.withUnsafeBytes { ElementCodec.int64s($0, dtype: dtype) } }

    /// Elements as UInt8: u8/bool as stored, other dtypes as `!= 0`.
    public func uint8s() -> [UInt8] { bytes.withUnsafeBytes { ElementCodec.uint8s($0, dtype: dtype) } }
}
