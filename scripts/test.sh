#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, conformance against all stores
# including a real Azurite, fault-proxy retry tests) under CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure --timeout 600 -j"$(nproc)" "$@"
