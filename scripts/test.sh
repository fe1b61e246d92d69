#!/usr/bin/env bash
# Every test of the platform, as CI runs it (`./mdp test`, i.e. `pnpm test`):
#   1. what needs no service: lint and typecheck of every TS package, knip (no
#      unused file, export or dependency), ruff over
#      every Python file (scripts/lint-python.sh), the `unit`
#      project of every package (`pnpm test:unit` runs the same), the Spark job's
#      pytest suite on a local SparkSession;
#   2. a real native stack (PostgreSQL, Kafka, Kafka Connect + Debezium, Apicurio,
#      MinIO, the Spark job) started afresh in its own state dir and ports (so
#      tests never touch a stack you run for the demo), deleted on exit;
#   3. against it: `pnpm test:e2e` (the whole pipeline, its faults and bad input),
#      the `integration` project of every package, and last the simulator across a
#      PostgreSQL restart;
#   4. the native stack's cluster profile (`pnpm test:cluster`): 3 Kafka brokers, 2
#      Connect workers, a Spark master and 2 workers, MinIO on 4 drives, in a state
#      dir and ports of its own; the pipeline while a node of each engine dies;
#   5. the docker compose stack (`pnpm test:compose`): its images built, `docker
#      compose up --wait`, the pipeline with its faults against it, down and up,
#      down -v. On a Docker engine that answers, or one it starts (and stops) with
#      scripts/docker-engine.sh; an engine that cannot be had fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

# The test stack's data is throwaway: on a RAM disk when there is one, because
# Kafka's KRaft log and PostgreSQL fsync on every commit and a busy VM's disk can
# take 50 ms per fsync (enough to make Kafka's controller time its broker out).
default_state=$PWD/.state/test
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  default_state=/dev/shm/mdp-test-$(printf '%s' "$PWD" | cksum | cut -d' ' -f1)
fi
export MDP_STATE=${MDP_TEST_STATE:-$default_state}
export MDP_PORT_OFFSET=${MDP_TEST_PORT_OFFSET:-1000}
export FORCE_COLOR=0

step() { printf '\n== %s\n' "$*"; }

step "lint and typecheck"
pnpm exec turbo run lint typecheck --concurrency=2 --continue --output-logs=errors-only
pnpm exec knip --no-progress
bash scripts/lint-python.sh
step "unit tests of every package (no service)"
pnpm exec turbo run test:unit --concurrency=2 --continue --output-logs=full
step "spark: the job's transformations and writes (pytest, local SparkSession, no service)"
bash spark/bin/test.sh

step "native stack in $MDP_STATE, ports +$MDP_PORT_OFFSET (fresh: a leftover one is reset)"
pnpm --silent stack:reset
trap 'step "stopping and deleting the test stack"; pnpm --silent stack:reset || true' EXIT
pnpm --silent stack:up
eval "$(pnpm --silent stack:env)"

step "@mdp/simulator: loader and simulator against PostgreSQL"
pnpm --filter @mdp/simulator exec vitest run --project integration
# The end-to-end suite runs while the Spark job has no backlog: the suites after
# it leave hundreds of thousands of records in their own topics.
step "@mdp/e2e: the pipeline end to end, faults with the simulator running, bad input"
pnpm test:e2e
step "@mdp/infra: the native stack itself; CDC PostgreSQL → Kafka"
pnpm --filter @mdp/infra exec vitest run --project integration
step "@mdp/validator: validate against the stack with injected faults"
pnpm --filter @mdp/validator exec vitest run --project integration
step "@mdp/delta-check: comparison of the lake in MinIO with PostgreSQL"
pnpm --filter @mdp/delta-check exec vitest run --project integration
# Last: it restarts PostgreSQL under every client of the stack (Debezium, Apicurio),
# so no earlier suite has to wait for them to reconnect.
step "@mdp/simulator: sim:run across a PostgreSQL restart"
pnpm --filter @mdp/simulator exec vitest run --project restarts-postgres

# The native stack's memory and cores go to the cluster profile, then to compose.
step "stopping the native test stack"
pnpm --silent stack:reset
step "cluster profile: 3 brokers, 2 Connect workers, Spark master + 2 workers, 4 MinIO drives; kill -9 a node of each"
pnpm test:cluster
step "docker compose: images from infra/compose/Dockerfile, up --wait, the pipeline and its faults, down, down -v"
pnpm test:compose
