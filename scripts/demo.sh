#!/usr/bin/env bash
# The main job: install what is missing, build, start a local Azurite, load the digital-twin
# sample data, and show it with the azblobfs client.
#   scripts/demo.sh          # stops Azurite at the end
#   scripts/demo.sh --keep   # leaves Azurite running on 127.0.0.1:$AZURITE_PORT (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
keep=0
[ "${1:-}" = "--keep" ] && keep=1

scripts/install-deps.sh
scripts/build.sh

port=${AZURITE_PORT:-10000}
data_dir=.cache/azurite
mkdir -p "$data_dir"
node_modules/.bin/azurite-blob --blobHost 127.0.0.1 --blobPort "$port" --location "$data_dir" \
  --skipApiVersionCheck --loose --silent > .cache/azurite.log 2>&1 &
azurite_pid=$!
if [ $keep = 0 ]; then trap 'kill $azurite_pid 2>/dev/null; wait $azurite_pid 2>/dev/null' EXIT; fi
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 $azurite_pid 2>/dev/null || { echo "Azurite failed to start:"; cat .cache/azurite.log; exit 1; }
  sleep 0.1
done

export AZURE_STORAGE_CONNECTION_STRING="UseDevelopmentStorage=true"
az() { build/azblobfs --blob-endpoint "http://127.0.0.1:$port/devstoreaccount1" "$@"; }

echo "== loading sample data into Azurite on 127.0.0.1:$port"
az sample-data --twins 200
echo; echo "== containers"
az ls
echo; echo "== digital-twins/ (top level)"
az ls -l digital-twins
twin=$(az ls -r digital-twins/2025 | awk "NR==1")
lead=$(basename "$twin" .md)
echo; echo "== persona-images/$lead/"
az ls -l "persona-images/$lead"
echo; echo "== digital-twins/$twin"
az cat "digital-twins/$twin"
echo "== digital-twins/metadata/$lead.json"
az cat "digital-twins/metadata/$lead.json"
echo; echo "== first 3 lines of training-data/digital-twin-creator/dataset_v6.csv"
az cat training-data/digital-twin-creator/dataset_v6.csv | awk "NR<=3"
if [ $keep = 1 ]; then echo; echo "Azurite keeps running (pid $azurite_pid) on 127.0.0.1:$port"; fi
