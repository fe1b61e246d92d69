#!/usr/bin/env bash
# Every test of the platform, as CI runs it (`./mdp test` or `pnpm test`):
#   1. lint, typecheck and unit tests of every TS package (no network);
#   2. a real native stack started in its own state dir and ports, so tests
#      never touch a stack you run for the demo; stopped again on exit;
#   3. the integration tests of every package against that stack.
set -euo pipefail
cd "$(dirname "$0")/.."

export MDP_STATE=${MDP_TEST_STATE:-$PWD/.state/test}
export MDP_PORT_OFFSET=${MDP_TEST_PORT_OFFSET:-1000}

echo "== lint, typecheck, unit tests"
pnpm exec turbo run lint typecheck test --concurrency=1
