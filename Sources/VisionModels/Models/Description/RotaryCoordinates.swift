// Shape letters: gh × gw patch grid, hd head width.

/// The (row, column) coordinate a patch token's rotary angles are computed from. Both families
/// share the rest: hd/4 frequencies f_i = θ^(-4i/hd), angles (y·f ‖ x·f) repeated twice over the
/// head (`RotaryTable`).
public enum RotaryCoordinates: String, Sendable, Codable, Equatable {
    /// The integer patch row and column, y = r, x = c (Qwen2.5-VL's `get_vision_position_ids`).
    case patchIndex
    /// 2π × the patch centre normalised to [-1, 1]: y = 2π(2(r + ½)/gh − 1), x likewise over gw
    /// (DINOv3's `get_patches_center_coordinates`, without the training-time shift/jitter/rescale).
    case normalizedCenter
}
