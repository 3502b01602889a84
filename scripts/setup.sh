#!/usr/bin/env bash
# The set-up both README commands run first: npm packages, the Python virtual
# environment with Jupyter, the native TensorFlow backend (built offline), the
# build, and the saddlelab kernelspec + widget extension in .venv. Idempotent:
# each step is a fast no-op when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '[saddlelab setup] %s\n' "$*" >&2; }

step "npm packages (npm install)"
npm install --no-audit --no-fund --loglevel=error
# Notebooks and tests inside this repository import 'saddlelab' by name: link the
# package into its own node_modules (npm install prunes the link, so make it each time).
ln -sfn .. node_modules/saddlelab

if [ -f scripts/setup-python.sh ]; then
  step "Python environment (.venv with Jupyter)"
  bash scripts/setup-python.sh
fi

if [ -f scripts/build-native.mjs ]; then
  step "native TensorFlow backend (offline build; falls back to wasm)"
  node scripts/build-native.mjs
fi

step "build (dist/)"
node scripts/build.mjs

if [ -f src/cli/install.ts ] && [ -x .venv/bin/python ]; then
  step "saddlelab kernel and widget extension into .venv"
  node bin/saddlelab.js install --prefix .venv
fi
step "done"
