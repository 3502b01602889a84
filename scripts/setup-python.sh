#!/usr/bin/env bash
# Creates .venv with Jupyter (requirements-dev.txt) from the pip index the machine
# is configured with; PIP_INDEX_URL defaults to the local index so pip never waits
# on an unreachable public one. A stamp keyed on the requirements' hash makes a
# second run a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[setup-python] %s\n' "$*" >&2; }
if [ -z "${PIP_INDEX_URL:-}" ] && [ -d /opt/pypi/simple ]; then export PIP_INDEX_URL=file:///opt/pypi/simple; fi
stamp=.venv/.saddlelab-requirements
want=$(sha256sum requirements-dev.txt | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  say "up to date (.venv)"
  exit 0
fi
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  python3 -m venv .venv
fi
say "installing requirements-dev.txt (index: ${PIP_INDEX_URL:-the configured one})"
.venv/bin/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
echo "$want" > "$stamp"
say "done"
