// Encodes an 8-bit RGB image as a PNG file (zlib-compressed, filter 0), enough for sample data
// that real image viewers and thumbnailers open.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace azblobfs {

// rgb holds width*height*3 bytes, row by row. Returns the PNG bytes.
std::string encode_png_rgb(uint32_t width, uint32_t height, const std::vector<uint8_t>& rgb);

}  // namespace azblobfs
