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
# PostgreSQL for the study storage tests (test/study); NASFORGE_SKIP_PG=1 leaves it out.
if [ -z "${NASFORGE_SKIP_PG:-}" ]; then
  command -v pg_ctlcluster >/dev/null 2>&1 && dpkg -s postgresql >/dev/null 2>&1 || need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]} with apt-get"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Start the local PostgreSQL cluster when it is down, and give the current user a superuser
# role, so that the tests connect through the unix socket (peer authentication, no password)
# and create their own databases. Idempotent.
if [ -z "${NASFORGE_SKIP_PG:-}" ] && command -v pg_lsclusters >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  if [ "$(id -u)" = 0 ]; then AS_PG=(runuser -u postgres --); else AS_PG=(sudo -u postgres); fi
  cluster=$(pg_lsclusters --no-header | head -n 1)
  if [ -z "$cluster" ]; then
    ver=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
    echo "setup: creating PostgreSQL cluster $ver/main"
    $SUDO pg_createcluster "$ver" main >/dev/null
    cluster=$(pg_lsclusters --no-header | head -n 1)
  fi
  read -r pg_ver pg_name _ pg_status _ <<<"$cluster"
  if [ "$pg_status" != online ]; then
    echo "setup: starting PostgreSQL $pg_ver/$pg_name"
    $SUDO pg_ctlcluster "$pg_ver" "$pg_name" start
  fi
  me=$(id -un)
  if [ "$("${AS_PG[@]}" psql -XtAc "SELECT 1 FROM pg_roles WHERE rolname = '$me'" 2>/dev/null)" != 1 ]; then
    echo "setup: creating PostgreSQL superuser role '$me'"
    "${AS_PG[@]}" createuser --superuser "$me"
  fi
fi

# onnxruntime-node's install script would download GPU binaries (no network for that here, and
# its CPU binding ships in the package): skip it whatever npm does with allowScripts.
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
