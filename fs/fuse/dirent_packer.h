// Packing directory entries into the buffer of a readdir or readdirplus request.
//
// Offsets: the entry at index i of a batch read from directory position `first_offset` has
// position first_offset + i, and the offset stored with it (where the next read resumes) is
// first_offset + i + 1, as Filesystem::readdir defines.
//
// Lookup counts (readdirplus): the kernel takes one lookup for every entry it receives except
// "." and "..", and except entries with inode 0. The core counts the same entries. Packing stops
// at the first entry that does not fit; every counted entry after it is forgotten at once, so the
// counts stay equal on both sides.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "fs/filesystem.h"
#include "fs/fuse/fuse_api.h"

namespace azblobfs {

// True when the kernel (and the core) count this readdirplus entry as a lookup.
bool counts_as_lookup(const DirEntryPlus& entry);

// Upper bound on the entries a buffer of `size` bytes can hold (each name has at least one byte).
size_t max_dirents(size_t size);
size_t max_dirents_plus(size_t size);

// Packs entries without attributes; returns the bytes used. `req` may be null.
size_t pack_dirents(fuse_req_t req, const std::vector<DirEntryPlus>& entries, uint64_t first_offset,
                    char* buf, size_t size);

// Packs entries with attributes; forgets (in `fs`) the counted entries that did not fit.
// *packed receives the number of entries packed. Returns the bytes used. `req` may be null.
size_t pack_dirents_plus(fuse_req_t req, Filesystem& fs, const std::vector<DirEntryPlus>& entries,
                         uint64_t first_offset, char* buf, size_t size, size_t* packed);

// Forgets the counted entries among entries[begin, end) (a reply that never reached the kernel).
void forget_entries(Filesystem& fs, const std::vector<DirEntryPlus>& entries, size_t begin, size_t end);

// The fuse_entry_param of a core entry reply (inode 0: a negative entry).
fuse_entry_param to_entry_param(const EntryReply& reply);

}  // namespace azblobfs
