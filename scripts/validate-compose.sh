#!/usr/bin/env bash
# Validates the root compose.yaml with the real Docker Compose (no engine needed):
#   1. builds Docker Compose v2 from the Go module proxy into the cache
#      (infra/install/install.sh, once; later runs reuse it);
#   2. `docker-compose config -q` with the documented defaults (.env.example);
#   3. negative checks: a missing secret must make `config` fail.
# Usage: scripts/validate-compose.sh [--build-only]
# Env: MDP_CACHE (default ~/.cache/mdp). Needs Go (go1.24+) on PATH the first time.
set -euo pipefail
cd "$(dirname "$0")/.."

COMPOSE_VERSION=$(sed -n 's/^DOCKER_COMPOSE_VERSION=//p' infra/versions.env)
BIN_DIR="${MDP_CACHE:-$HOME/.cache/mdp}/bin/docker-compose-$COMPOSE_VERSION"
BIN="$BIN_DIR/docker-compose"

build_compose() {
  if [[ -x "$BIN" ]]; then return; fi
  echo "validate-compose: building Docker Compose $COMPOSE_VERSION into $BIN_DIR (once, minutes)" >&2
  bash infra/install/install.sh go-binary docker-compose "$BIN_DIR"
}

build_compose
[[ "${1:-}" == "--build-only" ]] && { echo "$BIN"; exit 0; }

# Run `config` in a scratch copy of the project dir's env so the user's own
# .env never decides the outcome: --env-file points at the file under test.
compose() { "$BIN" --project-directory . -f compose.yaml --env-file "$1" "${@:2}"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp .env.example "$tmp/ok.env"

echo "== docker-compose $("$BIN" version --short) config -q with .env.example"
compose "$tmp/ok.env" config -q
echo "ok: compose.yaml is valid"

# The secrets are the required settings documented in .env.example; versions
# come from infra/versions.env (the include's env_file), not from .env.
status=0
for secret in $(sed -n 's/.*\${\([A-Z0-9_]*\):?.*/\1/p' compose.yaml infra/compose/*.yaml 2>/dev/null | sort -u); do
  grep -q "^$secret=" .env.example || continue
  grep -v "^$secret=" "$tmp/ok.env" >"$tmp/missing.env"
  if out=$(env -u "$secret" "$BIN" --project-directory . -f compose.yaml --env-file "$tmp/missing.env" config -q 2>&1); then
    echo "FAIL: config accepted a missing $secret" >&2
    status=1
  elif ! grep -q "$secret" <<<"$out"; then
    echo "FAIL: missing $secret was refused without naming it: $out" >&2
    status=1
  else
    echo "ok: missing $secret is refused"
  fi
done
exit $status
