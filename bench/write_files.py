#!/usr/bin/env python3
"""Creates COUNT files of SIZE bytes in DIR (which must exist), one after the other, as an
application would: open(O_CREAT|O_EXCL), one write(), close(). For bench/write_bench.sh.

    write_files.py DIR COUNT SIZE

Prints "START END" (seconds since the epoch, the clock of `date +%s.%N`): START just before the
first open(), END just after the last close() returned. Every file gets distinct bytes (its
index in the first 8 bytes). Exits 1 with the failing path and errno on the first error.
"""
import errno
import os
import sys
import time


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    directory, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    payload = bytearray(os.urandom(size))
    start = time.time()
    for i in range(count):
        path = os.path.join(directory, f"file-{i:06d}.bin")
        payload[0:8] = i.to_bytes(8, "little")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                if os.write(fd, payload) != size:
                    raise OSError(errno.EIO, "short write")
            finally:
                os.close(fd)
        except OSError as e:
            print(f"write_files: {path}: errno {e.errno} ({errno.errorcode.get(e.errno, '?')}): {e.strerror}",
                  file=sys.stderr)
            return 1
    end = time.time()
    print(f"{start:.6f} {end:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
