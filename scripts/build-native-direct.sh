#!/usr/bin/env bash
# Builds the addon with g++ directly, without node-gyp: for machines where node-gyp cannot
# download Node's headers (the lent GPU machine has no network and no Node.js install). The same
# sources, defines and libtorch flags as binding.gyp; it needs only the N-API headers
# (node_api.h, js_native_api.h and their _types.h) and node-addon-api's header folder.
#
#   NODE=path/to/node NAPI_INCLUDE=dir-with-node_api.h LIBTORCH=path/to/torch scripts/build-native-direct.sh
#
# NODE defaults to `node` on PATH, NAPI_INCLUDE to that node's include/node folder, LIBTORCH to
# Debian's libtorch (see scripts/torch-config.mjs). Writes build/Release/nasforge.node.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE=${NODE:-node}
NODE_BIN=$(command -v "$NODE") || { echo "build-native-direct: no node at '$NODE'; set NODE=path/to/node" >&2; exit 1; }
NAPI_INCLUDE=${NAPI_INCLUDE:-$(dirname "$(dirname "$NODE_BIN")")/include/node}
[ -f "$NAPI_INCLUDE/node_api.h" ] || { echo "build-native-direct: $NAPI_INCLUDE/node_api.h is missing; set NAPI_INCLUDE to a folder with the N-API headers" >&2; exit 1; }
ADDON_API=node_modules/node-addon-api
[ -f "$ADDON_API/napi.h" ] || { echo "build-native-direct: $ADDON_API/napi.h is missing; run npm ci (or carry that folder)" >&2; exit 1; }
CXX=${CXX:-g++}
INCLUDES=()
for d in $("$NODE_BIN" scripts/torch-config.mjs --include); do INCLUDES+=("-I$d"); done
DEFINES=$("$NODE_BIN" scripts/torch-config.mjs --defines)
read -r -a LIBS <<< "$("$NODE_BIN" scripts/torch-config.mjs --libs)"
mkdir -p build/Release build/direct
OBJS=()
PIDS=()
for src in native/*.cc; do
  obj="build/direct/$(basename "${src%.cc}").o"
  "$CXX" -c "$src" -o "$obj" -fPIC -std=c++17 -O2 -fexceptions -frtti -Wno-unused-parameter \
    -Wno-deprecated-declarations -DNAPI_EXPERIMENTAL -DNODE_ADDON_API_CPP_EXCEPTIONS -D"$DEFINES" \
    -DBUILDING_NODE_EXTENSION -I"$NAPI_INCLUDE" -I"$ADDON_API" "${INCLUDES[@]}" &
  PIDS+=($!)
  OBJS+=("$obj")
done
for pid in "${PIDS[@]}"; do wait "$pid" || { echo "build-native-direct: compiling failed (see above)" >&2; exit 1; }; done
# The N-API symbols stay undefined here: the node binary that loads the addon provides them.
"$CXX" -shared -o build/Release/nasforge.node "${OBJS[@]}" "${LIBS[@]}"
echo "built build/Release/nasforge.node against $("$NODE_BIN" scripts/torch-config.mjs --libdir)"
