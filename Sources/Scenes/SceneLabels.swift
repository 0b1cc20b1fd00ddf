/// The text of `labels.md`, written next to `labels.csv`: what each column means.
public enum SceneLabels {
    public static let markdown = """
        # Labels of the synthetic scenes

        Written by `sinkscope synth`. Each image `synth-NNNNN.png` is one row of `labels.csv`;
        the `image` column is the image id (the file name without `.png`), as `sinkscope extract
        --labels` expects. `scenes.json` holds the full drawing spec of every image (all object
        positions and sizes, texture period and phase).

        Every attribute is balanced (each value appears equally often, ±1) and attributes are
        drawn independently of each other, so a probe that decodes one cannot lean on another.

        ## Global attributes (the whole image)

        | column | values | meaning |
        | --- | --- | --- |
        | `texture` | plain, stripes, checker, dots | the background pattern: a smooth two-shade gradient (plain), parallel bands (stripes), a checkerboard of 2:1 rectangles (checker), or rows of dots (dots); period about 1/8 of the image side |
        | `orientation` | 0, 45, 90, 135 | the direction the texture runs in, in degrees counter-clockwise from horizontal (0: horizontal bands / rows; 90: vertical). For plain, the gradient runs across this direction |
        | `palette` | warm, cool, grey, green | the colour scheme of the background: two light shades above the horizon (sky), two darker ones below (ground), all muted; a per-image brightness jitter of ±8 levels |
        | `layout` | high, middle, low | where the horizon (the sky/ground boundary) lies: at 30%, 50% or 70% of the height, ± 2% |

        ## Local attributes (small objects)

        Each image holds 1 to 4 small objects (diameter about 11–15% of the side, black 2-pixel
        outline), at most one per image quadrant, so they never overlap. Exactly one object, the
        *designated* one, is coloured; the others are white distractors of random shape.

        | column | values | meaning |
        | --- | --- | --- |
        | `count` | 1, 2, 3, 4 | the number of objects (designated + white distractors) |
        | `quadrant` | top-left, top-right, bottom-left, bottom-right | the quadrant that holds the designated object (the image split at half width and half height) |
        | `object_color` | red, green, blue, yellow | the fill colour of the designated object: red (220,30,30), green (20,170,40), blue (30,60,230), yellow (250,215,0) |
        | `object_shape` | circle, square, triangle, diamond | the shape of the designated object |
        | `object_x`, `object_y` | pixels | the centre of the designated object (origin top-left, y down) |

        Objects are drawn without antialiasing: every pixel of an object's fill has exactly its
        colour, and no background pixel ever has an object colour.
        """
}
