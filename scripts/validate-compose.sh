#!/usr/bin/env bash
# Validates the root compose.yaml with the real Docker Compose (no engine needed):
#   1. builds Docker Compose v2.40.3 from the Go module proxy into the cache
#      (once; later runs reuse it), as DESIGN.md describes;
#   2. `docker-compose config -q` with the documented defaults (.env.example);
#   3. negative checks: a missing secret must make `config` fail.
# Usage: scripts/validate-compose.sh [--build-only]
# Env: MDP_CACHE (default ~/.cache/mdp). Needs Go (go1.24+) on PATH the first time.
set -euo pipefail
cd "$(dirname "$0")/.."

COMPOSE_VERSION=$(sed -n 's/^DOCKER_COMPOSE_VERSION=//p' infra/versions.env 2>/dev/null || true)
COMPOSE_VERSION=${COMPOSE_VERSION:-v2.40.3}
CACHE=${MDP_CACHE:-$HOME/.cache/mdp}
BIN_DIR="$CACHE/tools/docker-compose-$COMPOSE_VERSION"
BIN="$BIN_DIR/docker-compose"

build_compose() {
  if [[ -x "$BIN" ]] && "$BIN" version --short >/dev/null 2>&1; then return; fi
  command -v go >/dev/null || {
    echo "validate-compose: Go is needed once to build Docker Compose $COMPOSE_VERSION; install Go 1.24+ (e.g. apt-get install golang) and retry" >&2
    exit 1
  }
  echo "validate-compose: building Docker Compose $COMPOSE_VERSION into $BIN_DIR (once, ~90 s)" >&2
  local work
  work=$(mktemp -d)
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' RETURN
  local dir
  dir=$(GOFLAGS=-mod=mod go mod download -json "github.com/docker/compose/v2@$COMPOSE_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -n "$dir" && -d "$dir" ]] || { echo "validate-compose: go mod download of docker/compose $COMPOSE_VERSION failed" >&2; exit 1; }
  cp -r "$dir" "$work/src"
  chmod -R u+w "$work/src"
  mkdir -p "$BIN_DIR"
  (cd "$work/src" && CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" \
    -o "$BIN.tmp" ./cmd)
  mv "$BIN.tmp" "$BIN"
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
