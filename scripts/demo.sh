#!/usr/bin/env bash
# The main job: install what is missing, build, start a local Azurite, load the digital-twin
# sample data, mount it with azblobfs and look around the mount with ordinary tools.
#   scripts/demo.sh          # unmounts and stops Azurite at the end
#   scripts/demo.sh --keep   # leaves Azurite (127.0.0.1:$AZURITE_PORT, default 10000) and the
#                            # mount (.cache/mnt) running, and says how to stop them
# Safe to run again: an Azurite already answering on the port is reused, and a mount left at
# .cache/mnt by an earlier --keep run is unmounted first. The cache (.cache/azblobfs) is kept
# between runs, so a second run lists from the warm index.
# AZBLOBFS_BIN=/path/to/azblobfs uses that binary instead of building ./build.
set -euo pipefail
cd "$(dirname "$0")/.."
keep=0
[ "${1:-}" = "--keep" ] && keep=1

scripts/install-deps.sh
if [ -z "${AZBLOBFS_BIN:-}" ]; then
  scripts/build.sh
  AZBLOBFS_BIN=build/azblobfs
fi

port=${AZURITE_PORT:-10000}
data_dir=.cache/azurite
mnt=$PWD/.cache/mnt
cache_dir=$PWD/.cache/azblobfs
mkdir -p "$data_dir" "$mnt"

export AZURE_STORAGE_CONNECTION_STRING="UseDevelopmentStorage=true"
az() { "$AZBLOBFS_BIN" --blob-endpoint "http://127.0.0.1:$port/devstoreaccount1" "$@"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }
mounted() { awk -v mp="$mnt" '$2 == mp { found = 1 } END { exit !found }' /proc/mounts; }

# A mount left by an earlier run: unmount it cleanly, or detach it if its process is gone.
if mounted; then
  echo "== unmounting the mount left at $mnt by an earlier run"
  az unmount "$mnt" || umount -l "$mnt"
fi

azurite_pid=""
if port_open; then
  echo "== reusing the Azurite already listening on 127.0.0.1:$port"
else
  node_modules/.bin/azurite-blob --blobHost 127.0.0.1 --blobPort "$port" --location "$data_dir" \
    --skipApiVersionCheck --loose --silent > .cache/azurite.log 2>&1 &
  azurite_pid=$!
  for _ in $(seq 100); do
    port_open && break
    kill -0 "$azurite_pid" 2>/dev/null || { echo "Azurite failed to start:"; cat .cache/azurite.log; exit 1; }
    sleep 0.1
  done
fi

cleanup() {
  if mounted; then az unmount "$mnt" || umount -l "$mnt"; fi
  if [ -n "$azurite_pid" ]; then kill "$azurite_pid" 2>/dev/null; wait "$azurite_pid" 2>/dev/null; fi
  return 0
}
if [ $keep = 0 ]; then trap cleanup EXIT; fi

echo "== loading sample data into Azurite on 127.0.0.1:$port"
az sample-data --twins 200

echo; echo "== azblobfs mount $mnt --cache-dir $cache_dir"
az mount "$mnt" --cache-dir "$cache_dir"
echo; echo "== ls $mnt"
ls "$mnt"

twin=$(find "$mnt/digital-twins/2025" -name '*.md' | sort | awk 'NR == 1')
lead=$(basename "$twin" .md)
echo; echo "== ls -l ${twin%/*}  (one day of digital twins)"
ls -l "${twin%/*}"
echo; echo "== ls -l $mnt/persona-images/$lead"
ls -l "$mnt/persona-images/$lead"
echo; echo "== cat $twin"
cat "$twin"
echo; echo "== cat $mnt/digital-twins/metadata/$lead.json"
cat "$mnt/digital-twins/metadata/$lead.json"
echo; echo "== head -3 $mnt/training-data/digital-twin-creator/dataset_v6.csv"
awk 'NR <= 3' "$mnt/training-data/digital-twin-creator/dataset_v6.csv"
notes="$mnt/digital-twins/metadata/$lead.notes.md"
echo; echo "== write through the mount: $notes (fsync waits for the commit in Azurite)"
printf '# Notes on %s\n\nWritten through azblobfs at %s.\n' "$lead" "$(date -u +%FT%TZ)" > "$notes"
python3 -c 'import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd)' "$notes"
echo "== the blob in Azurite (azblobfs cat, straight from the store)"
az cat "digital-twins/metadata/$lead.notes.md"
rm "$notes"
echo; echo "== azblobfs index rebuild --mount $mnt  (every blob and sidecar into the local index)"
az index rebuild --mount "$mnt"
echo; echo "== azblobfs query --mount $mnt 'classification = hot and income >= 100000' --count"
az query --mount "$mnt" 'classification = hot and income >= 100000' --count
echo "== the first three of them"
az query --mount "$mnt" 'classification = hot and income >= 100000' | awk 'NR <= 3'
echo; echo "== ls -l $mnt/.views/by-lead/$lead  (the lead's files, found through the index)"
ls -l "$mnt/.views/by-lead/$lead"
echo "== ls $mnt/.views/by-lead/$lead/images"
ls "$mnt/.views/by-lead/$lead/images"
echo; echo "== azblobfs status --cache-dir $cache_dir"
sleep 2.5  # the mount rewrites status.json every 2 s: let it count what we just did
az status --cache-dir "$cache_dir"

if [ $keep = 1 ]; then
  echo
  echo "The mount stays at $mnt. Unmount it with: $AZBLOBFS_BIN unmount $mnt"
  if [ -n "$azurite_pid" ]; then
    echo "Azurite keeps running (pid $azurite_pid) on 127.0.0.1:$port. Stop it with: kill $azurite_pid"
  fi
else
  echo; echo "== azblobfs unmount $mnt"
  az unmount "$mnt"
fi
