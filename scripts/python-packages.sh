#!/usr/bin/env bash
# The ml app (services/ML, ADR 0033) runs on Debian's Python 3 and its packages, never PyPI's: installs them with
# apt-get when one is missing (and poppler-utils, whose pdftoppm the report tests use). Used by run.sh and test.sh.
# Always /usr/bin/python3: a python3 earlier on PATH (pyenv, a venv) does not see Debian's packages.
set -euo pipefail
modules="flask, numpy, sklearn, statsmodels, pytest, jsonschema"
packages=(python3-flask python3-numpy python3-sklearn python3-statsmodels gunicorn python3-pytest python3-jsonschema poppler-utils)

if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import $modules" 2>/dev/null \
   && [ -x /usr/bin/gunicorn ] && command -v pdftoppm >/dev/null 2>&1; then
  exit 0
fi
echo "== installing Debian's Python packages for the ml app: ${packages[*]}"
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${packages[@]}" >/dev/null
else
  sudo apt-get update -qq && sudo apt-get install -y -qq "${packages[@]}" >/dev/null
fi
