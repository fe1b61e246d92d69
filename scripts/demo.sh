#!/usr/bin/env bash
# The main job (`./mdp demo`): start the native stack, load the three CSV files
# into PostgreSQL, run the business simulator for a while, show what it did.
# Re-runnable: the tables are replaced and the simulation starts afresh.
# Today the native stack runs PostgreSQL; the streaming half (Debezium → Kafka
# → Spark → Delta on MinIO) is being added (README, "Status").
set -euo pipefail
cd "$(dirname "$0")/.."

rate=${MDP_DEMO_RATE:-50/s}
duration=${MDP_DEMO_DURATION:-10s}

step() { printf '\n== %s\n' "$*"; }

step "starting the native stack (pnpm stack:up)"
pnpm --silent stack:up
eval "$(pnpm --silent stack:env)"

step "loading data/*.csv into PostgreSQL (pnpm sim:load --replace)"
pnpm --silent sim:load --replace

step "simulating the business at $rate for $duration (pnpm sim:run)"
pnpm --silent sim:run --rate "$rate" --duration "$duration" --reset

step "what PostgreSQL holds now"
psql -X -q -c "select 'customers' as table, count(*) as rows from customers
               union all select 'products', count(*) from products
               union all select 'orders', count(*) from orders
               union all select 'sim.event_log (events)', count(*) from sim.event_log"
psql -X -q -c "select status, count(*) from orders group by status order by status"

cat <<TXT

Next:
  eval "\$(pnpm -s stack:env)" && psql      query the tables yourself
  pnpm sim:run --rate 50/s                  keep the business running (Ctrl-C stops)
  pnpm stack:status | stack:logs postgres   the stack
  pnpm stack:down  (keeps data)   pnpm stack:reset  (deletes it)
TXT
