#!/usr/bin/env bash
# Set up dr-netplan in ./.venv: Graphviz and venv support from the system package manager where it
# can (root or sudo on Debian/Ubuntu), then the package with its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "setup: dr-netplan needs Python 3.11 or newer as '$PY' (set PYTHON=...)." >&2
    exit 1
fi

need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
[ -x .venv/bin/python ] || "$PY" -c 'import ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
    if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; }; then
        echo "setup: installing ${need[*]} with apt-get" >&2
        $sudo apt-get update -qq >/dev/null || true
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null \
            || echo "setup: could not install ${need[*]}; continuing" >&2
    else
        echo "setup: please install ${need[*]} (e.g. 'sudo apt-get install ${need[*]}')." >&2
    fi
fi

if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
command -v dot >/dev/null 2>&1 || echo "setup: Graphviz 'dot' not found: analysis works," \
    "diagrams need it (Debian: apt-get install graphviz)." >&2
