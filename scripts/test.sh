#!/usr/bin/env bash
# Installs what the tests need beyond pip (a browser for the UI tests), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null) || echo "warning: could not install chromium" >&2
fi
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
