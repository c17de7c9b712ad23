#!/usr/bin/env bash
# Packs what the lent GPU machine lacks into .carry/ (git-ignored): this machine's node binary,
# xz-compressed, the N-API headers, and the npm packages the benchmark imports at run time (less
# TypeScript, type declarations and better-sqlite3's native build: the device tool carries 64 MiB
# at most). bench/engine/gpu.sh unpacks and uses them there.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_BIN=$(command -v node)
INC=$(dirname "$(dirname "$NODE_BIN")")/include/node
mkdir -p .carry/include
xz -T0 -6 -c "$NODE_BIN" > .carry/node.xz
for h in node_api.h node_api_types.h js_native_api.h js_native_api_types.h; do cp "$INC/$h" .carry/include/; done
rm -rf .carry/node_modules
mkdir -p .carry/node_modules
for m in node_modules/* node_modules/.package-lock.json; do
  case "$(basename "$m")" in typescript|@types|better-sqlite3|.bin) ;; *) cp -r "$m" .carry/node_modules/ ;; esac
done
du -sh .carry
