import Foundation

/// The convolution filters of PIL's `Image.resize`, with PIL's numeric codes (`Image.Resampling`),
/// which is also how Hugging Face's `preprocessor_config.json` writes `resample`.
///
/// PIL's NEAREST (0) is a different algorithm (an affine transform, not a convolution) and is not
/// offered; no ViT/CLIP/DINOv2 processor uses it.
public enum ResampleFilter: Int, Codable, Sendable, CaseIterable {
    case lanczos = 1
    case bilinear = 2
    case bicubic = 3
    case box = 4
    case hamming = 5

    public var name: String {
        switch self {
        case .lanczos: return "lanczos"
        case .bilinear: return "bilinear"
        case .bicubic: return "bicubic"
        case .box: return "box"
        case .hamming: return "hamming"
        }
    }

    /// Half-width of the kernel at scale 1 (PIL's `support`); when downscaling by a factor s > 1
    /// the kernel is stretched to `support * s`, which is what makes PIL's resize antialiased.
    var support: Double {
        switch self {
        case .box: return 0.5
        case .bilinear, .hamming: return 1
        case .bicubic: return 2
        case .lanczos: return 3
        }
    }

    /// The kernel value at distance `x` (in input pixels divided by the scale).
    func weight(_ x: Double) -> Double {
        switch self {
        case .box:
            return x > -0.5 && x <= 0.5 ? 1 : 0
        case .bilinear:
            let t = abs(x)
            return t < 1 ? 1 - t : 0
        case .hamming:
            let t = abs(x)
            if t == 0 { return 1 }
            if t >= 1 { return 0 }
            let u = t * Double.pi
            // PIL writes the window constants as C floats (0.54f, 0.46f); keep their exact values.
            return sin(u) / u * (Double(Float(0.54)) + Double(Float(0.46)) * cos(u))
        case .bicubic:
            // Keys' cubic convolution with a = -0.5 (Catmull-Rom), as PIL.
            let a = -0.5, t = abs(x)
            if t < 1 { return ((a + 2) * t - (a + 3)) * t * t + 1 }
            if t < 2 { return (((t - 5) * t + 8) * t - 4) * a }
            return 0
        case .lanczos:
            return x >= -3 && x < 3 ? Self.sinc(x) * Self.sinc(x / 3) : 0
        }
    }

    private static func sinc(_ x: Double) -> Double {
        if x == 0 { return 1 }
        let u = x * Double.pi
        return sin(u) / u
    }
}
