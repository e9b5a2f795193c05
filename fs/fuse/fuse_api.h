// The one place that includes libfuse: it fixes the API version every file of fs/fuse/ uses.
// 312 (libfuse 3.12) is the newest API level Debian 12's libfuse 3.14 offers: it has
// fuse_loop_cfg_* for the multithreaded loop. Other layers never include this header.
#pragma once

#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 312
#endif

#include <fuse_lowlevel.h>
