#!/usr/bin/env bash
# npm run tutorials [-- NAME ... | --fast]: project set-up (idempotent), then the runner.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python scripts/tutorials.py "$@"
