#!/usr/bin/env bash
# Installs everything azblobfs needs to build, test and benchmark on Debian 12:
# the Debian packages below and the pinned Azurite (package.json + package-lock.json, `npm ci`).
# Safe to run repeatedly: it skips what is already present.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache git ca-certificates curl
  libfuse3-dev fuse3 libcurl4-openssl-dev libssl-dev zlib1g-dev liblmdb-dev lmdb-utils
  libspdlog-dev libfmt-dev libpugixml-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev
  libgtest-dev libgmock-dev
  nodejs npm
  rclone fio attr sqlite3 rsync python3 gnuplot-nox
)

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The machine image may ship its own node/npm outside Debian's packages; keep those.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<< "${missing[*]}"
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# node_modules/.azblobfs-stamp records the hash of the lock file that was installed.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -x node_modules/.bin/azurite-blob ] || [ "$(cat node_modules/.azblobfs-stamp 2>/dev/null)" != "$lock_hash" ]; then
  echo "install-deps: installing the pinned Azurite with npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.azblobfs-stamp
fi
