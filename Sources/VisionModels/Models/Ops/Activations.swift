import CVectorMath
import Foundation

/// The MLP nonlinearities of the supported architectures, named as HF's `hidden_act` names them.
public enum Activation: String, Codable, Sendable, CaseIterable {
    /// gelu(x) = x/2 · (1 + erf(x/√2)), the erf form (HF "gelu", DINOv2 and ViT) — not the tanh
    /// approximation. erf is evaluated to 4e-7 absolute (CVectorMath).
    case gelu
    /// quick_gelu(x) = x · sigmoid(1.702 x) (HF "quick_gelu", OpenAI CLIP).
    case quickGELU = "quick_gelu"
    /// The tanh approximation x/2 · (1 + tanh(√(2/π) (x + 0.044715 x³))) (HF "gelu_pytorch_tanh", SigLIP).
    /// tanh(u) is written 1 − 2 / (1 + e^(2u)), which saturates cleanly through the exp's input clamp.
    case geluTanh = "gelu_pytorch_tanh"
    /// silu(x) = x · sigmoid(x) (HF "silu", the gate of SwiGLU MLPs).
    case silu

    /// Applies the activation in place to `count` values (CVectorMath's `ss_activation`).
    func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        ss_activation(kernel, x, count)
    }

    /// The C kernel's number for this activation.
    private var kernel: SSActivation {
        switch self {
        case .gelu: return SSActivationGELU
        case .quickGELU: return SSActivationQuickGELU
        case .geluTanh: return SSActivationGELUTanh
        case .silu: return SSActivationSiLU
        }
    }

    /// Reference in Double with libm's erf, tanh and exp, one value at a time.
    func reference(_ v: Float) -> Float {
        let x = Double(v)
        switch self {
        case .gelu: return Float(0.5 * x * (1 + erf(x / 2.0.squareRoot())))
        case .quickGELU: return Float(x / (1 + exp(-1.702 * x)))
        case .geluTanh: return Float(0.5 * x * (1 + tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x))))
        case .silu: return Float(x / (1 + exp(-x)))
        }
    }
}
