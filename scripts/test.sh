#!/usr/bin/env bash
# The README's test command (`npm test`): set-up, then every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The browser tests drive Debian's Chromium (never a downloaded browser); without it they skip, saying so.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "[saddlelab test] installing Debian's chromium for the browser tests" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ||
    echo "[saddlelab test] could not install chromium; browser tests will skip" >&2
fi
echo "[saddlelab test] type check: the package and the browser widgets (tsc)" >&2
npm run --silent typecheck
echo "[saddlelab test] unit and integration tests (jest)" >&2
# Jest gives each test file its own copy of process.env, so the backend's default log level
# never reaches TensorFlow's C++ logger there: set it for the whole run (INFO lines off).
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-1}"
eval "$(bash scripts/setup-swiftshader.sh)" # Dawn on SwiftShader for the webgpu engine's tests (else they skip, saying why)
npx jest --ci
if compgen -G "test/**/test_*.py" >/dev/null || ls test/*/test_*.py >/dev/null 2>&1; then
  echo "[saddlelab test] kernel protocol tests (pytest, real Jupyter client)" >&2
  .venv/bin/python -m pytest -q test
fi
