#!/usr/bin/env bash
# Build and test the VS Code extension: npm ci, tsc, vsce package (→ goperf.vsix), node --test.
# Needs Node 20 and npm; the Node tests start the real `goperf serve` with $GOPERF_PYTHON
# (default: python3), which must have goperf installed (pip install -e .).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
npx tsc -p .
npx vsce package --allow-missing-repository -o goperf.vsix
export GOPERF_PYTHON="${GOPERF_PYTHON:-$(command -v python3 || command -v python)}"
node --test test/*.test.js
echo "built $(pwd)/goperf.vsix"
