// Charts take and return colours and rasters; re-export those two types so `import Plotting` is
// enough to draw (the rest of Images, decoding and preprocessing, is not re-exported).
@_exported import struct Images.RGB
@_exported import struct Images.RGBImage
