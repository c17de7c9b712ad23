#!/usr/bin/env bash
# The engine benchmark on a lent GPU machine, as one prepared script. That machine has a CUDA
# PyTorch but no Node.js and no network, so prepare here first:
#   scripts/pack-device.sh && npx tsc -p tsconfig.json
# then run it there through the device tool with
#   carry: [".carry", "dist"]
#   command: bash bench/engine/gpu.sh
# It builds the addon against that PyTorch's libtorch (scripts/build-native-direct.sh) and runs
# bench:engine on cuda against that PyTorch on the same card, then the CPU benchmark at the
# machine's core count; results go to $OUT (or ./gpu-out).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-gpu-out}
mkdir -p "$OUT" .carry/bin
[ -x .carry/bin/node ] || xz -dc .carry/node.xz > .carry/bin/node
chmod +x .carry/bin/node
[ -e node_modules ] || ln -s .carry/node_modules node_modules
export PATH="$PWD/.carry/bin:$PATH"
PY=${PYTHON:-$(command -v python3)}
LIBTORCH=${LIBTORCH:-$("$PY" -c 'import os, torch; print(os.path.dirname(torch.__file__))')}
export LIBTORCH
{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
  "$PY" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.is_available() and torch.cuda.get_device_name(0))'
  node -v; nproc; } | tee "$OUT/machine.txt"
NODE=node NAPI_INCLUDE=.carry/include bash scripts/build-native-direct.sh > "$OUT/build.txt" 2>&1 || { tail -30 "$OUT/build.txt"; exit 1; }
tail -1 "$OUT/build.txt"
node -e "import('./dist/src/torch/index.js').then(t => console.log('nasforge cuda', t.cudaAvailable(), t.cudaDeviceCount(), t.libtorchVersion()))" | tee -a "$OUT/machine.txt"
node dist/bench/engine/run.js --device cuda --python "$PY" --threads "$(nproc)" --json > "$OUT/engine-cuda.json" 2> "$OUT/engine-cuda.log" || { tail -20 "$OUT/engine-cuda.log"; exit 1; }
node -e "const r=require('./$OUT/engine-cuda.json'); for (const [n,x] of Object.entries(r.networks)) console.log(n, x.nasforge_ms.toFixed(2), x.pytorch_ms.toFixed(2), x.ratio.toFixed(3)); console.log('op us', r.op_overhead_us)"
