#!/usr/bin/env bash
# The README's test command (`npm test`): set-up, then every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "[saddlelab test] unit and integration tests (jest)" >&2
npx jest --ci
if compgen -G "test/**/test_*.py" >/dev/null || ls test/*/test_*.py >/dev/null 2>&1; then
  echo "[saddlelab test] kernel protocol tests (pytest, real Jupyter client)" >&2
  .venv/bin/python -m pytest -q test
fi
