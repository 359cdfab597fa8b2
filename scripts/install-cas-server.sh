#!/usr/bin/env bash
# Builds the virtual environment of the test CAS server (django-cas-server, devtools/cas_site):
#   scripts/install-cas-server.sh [FOLDER]     default: .cas-venv in the project folder
# Its own venv, so that Django never enters the console's. Does nothing when it is up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-${CAS_VENV:-.cas-venv}}
requirements=scripts/cas-server-requirements.txt
marker="$venv/.installed"
if [ -f "$marker" ] && [ "$marker" -nt "$requirements" ]; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q -r "$requirements"
touch "$marker"
