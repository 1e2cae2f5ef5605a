#!/usr/bin/env sh
# Regenerate every golden fixture in packages/model/src/fixtures (float64, fixed seeds).
# Each script verifies its backward pass by centered finite differences before writing,
# then torch_check.py compares against PyTorch when torch happens to be importable.
# Usage: tools/reference/make_fixtures.sh [--out DIR]
set -eu
cd "$(dirname "$0")"
export PYTHONDONTWRITEBYTECODE=1
if [ "${1:-}" = "--out" ]; then
  out="${2:?--out needs a directory}"
  python3 min_char_rnn.py --out "$out"
  python3 lstm_gru.py --out "$out"
  python3 torch_check.py --dir "$out"
else
  python3 min_char_rnn.py
  python3 lstm_gru.py
  python3 torch_check.py
fi
