#!/usr/bin/env bash
# Set up budgetqa on a fresh machine: a virtualenv in .venv with the pinned CPU torch and the project.
#   bash scripts/setup.sh          # what the app needs
#   bash scripts/setup.sh --test   # plus test tools, Chromium for browser tests, a CJK font and PostgreSQL's
#                                  # server binaries (tests start a throwaway cluster for the PostgreSQL store)
# Re-running is cheap: installs are skipped while pyproject.toml is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
EXTRA=""
[ "${1:-}" = "--test" ] && EXTRA="test"

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.budgetqa-installed-${EXTRA:-app}"
want=$(sha256sum pyproject.toml | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  # torch first, pinned: the local CPU build (an unpinned torch pulls GBs of CUDA packages)
  .venv/bin/python -m pip install -q "torch==2.13.0"
  if [ -n "$EXTRA" ]; then
    .venv/bin/python -m pip install -q -e ".[test]"
  else
    .venv/bin/python -m pip install -q -e .
  fi
  echo "$want" > "$stamp"
fi

if [ -n "$EXTRA" ]; then
  # Browser tests drive Debian's Chromium; the CJK font renders page images of text-only PDFs.
  need=""
  command -v chromium >/dev/null 2>&1 || need="$need chromium chromium-driver"
  [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need="$need fonts-wqy-microhei"
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need="$need postgresql"
  if [ -n "$need" ]; then
    if [ "$(id -u)" = "0" ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
    elif command -v sudo >/dev/null 2>&1; then
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
    else
      echo "note: could not install$need (not root); browser and PostgreSQL tests will be skipped" >&2
    fi
  fi
fi
