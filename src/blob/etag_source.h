// Issues ETags for the local stores: quoted, Azure-looking ("0x8D" + 14 hex digits), strictly
// increasing within one source and tied to the clock (100 ns ticks since the Unix epoch), so a
// store reopened later does not reissue an ETag as long as the clock does not step back; a store
// that persists ETags also reports them through observe() so they are never reissued.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace azblobfs {

class EtagSource {
public:
    // Thread-safe.
    std::string next();
    // Makes every later next() greater than `etag` (ignored when not one of ours).
    void observe(const std::string& etag);

private:
    std::atomic<uint64_t> last_{0};
};

// Seconds since the Unix epoch, for last_modified.
int64_t unix_now_seconds();

}  // namespace azblobfs
