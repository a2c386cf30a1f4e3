#!/usr/bin/env bash
# The one command: dashboard/run.sh [OUT] [--port N] [--host H]
# Sets up dashboard/.venv with the pinned packages on first use (Python 3.11+; on Debian,
# apt-get install python3-venv if venv is missing), then serves the outputs in OUT (default out/).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="out"
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then out="$1"; shift; fi
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
# install (again) only when requirements.txt changed since the last install
if ! cmp -s "$here/requirements.txt" "$venv/.installed-requirements.txt"; then
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/.installed-requirements.txt"
fi
PYTHONPATH="$(dirname "$here")${PYTHONPATH:+:$PYTHONPATH}" exec "$venv/bin/python" -m dashboard --out "$out" "$@"
