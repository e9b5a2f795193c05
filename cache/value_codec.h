// Varint and string encoding of LMDB values (internal to cache/): unsigned LEB128 varints,
// zigzag signed varints, strings as a varint length followed by the bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace azblobfs::keys {

// Appends varints and strings to a buffer.
class Writer {
public:
    void byte(uint8_t b) { out_.push_back(static_cast<char>(b)); }
    void varint(uint64_t v) {
        while (v >= 0x80) {
            byte(static_cast<uint8_t>(v | 0x80));
            v >>= 7;
        }
        byte(static_cast<uint8_t>(v));
    }
    void svarint(int64_t v) {
        varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
    }
    void str(std::string_view s) {
        varint(s.size());
        out_.append(s);
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

// Reads what Writer wrote; every read fails (returns false) past the end.
class Reader {
public:
    explicit Reader(std::string_view in) : in_(in) {}
    bool byte(uint8_t* b) {
        if (pos_ >= in_.size()) return false;
        *b = static_cast<uint8_t>(in_[pos_++]);
        return true;
    }
    bool varint(uint64_t* v) {
        *v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            uint8_t b = 0;
            if (!byte(&b)) return false;
            *v |= static_cast<uint64_t>(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return true;
        }
        return false;
    }
    bool svarint(int64_t* v) {
        uint64_t u = 0;
        if (!varint(&u)) return false;
        *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
        return true;
    }
    bool str(std::string* s) {
        uint64_t n = 0;
        if (!varint(&n) || n > in_.size() - pos_) return false;
        s->assign(in_.substr(pos_, n));
        pos_ += n;
        return true;
    }
    bool at_end() const { return pos_ == in_.size(); }

private:
    std::string_view in_;
    size_t pos_ = 0;
};

}  // namespace azblobfs::keys
