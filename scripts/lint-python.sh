#!/usr/bin/env bash
# ruff over every Python file of the repository (rules in ruff.toml): lint, then
# the formatter in check mode (`--fix` fixes what can be fixed and formats).
# Installs the pinned ruff (RUFF_VERSION in infra/versions.env) from PyPI into
# the cache once.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^RUFF_VERSION=//p' infra/versions.env)
[ -n "$version" ] || { echo "lint-python: RUFF_VERSION is not set in infra/versions.env" >&2; exit 1; }
venv=${MDP_CACHE:-$HOME/.cache/mdp}/tools/ruff-$version
if [ ! -x "$venv/bin/ruff" ]; then
  echo "lint-python: installing ruff $version into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "ruff==$version"
fi

if [ "${1:-}" = "--fix" ]; then
  "$venv/bin/ruff" check --fix .
  exec "$venv/bin/ruff" format .
fi
"$venv/bin/ruff" check .
"$venv/bin/ruff" format --check .
