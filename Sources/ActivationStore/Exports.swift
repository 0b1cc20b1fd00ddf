// Store users handle `DType` and `Tensor` (manifest fields, shard tensors); re-export them so
// `import ActivationStore` is enough.
@_exported import TensorFiles
