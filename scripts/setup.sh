#!/usr/bin/env bash
# Installs what nasforge needs on a fresh Debian machine: libtorch (unless LIBTORCH points at
# one) with an optimised BLAS, the Fashion-MNIST data set, npm packages, then builds.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
if [ -z "${LIBTORCH:-}" ]; then
  [ -f /usr/include/ATen/ATen.h ] || need+=(libtorch-dev)
  # libtorch-dev alone brings the reference BLAS (about 5 GFLOP/s on a 2048² matmul vs ~186).
  dpkg -s libopenblas0-pthread >/dev/null 2>&1 || need+=(libopenblas0-pthread)
fi
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v make >/dev/null 2>&1 || need+=(make)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]} with apt-get"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
