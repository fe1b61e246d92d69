#!/usr/bin/env bash
# The main job (`./mdp demo`): the whole pipeline from scratch, end to end.
#   1. provision and start every service: the native stack (default), or
#      docker compose with --compose (needs a Docker engine and a .env);
#   2. load data/*.csv into PostgreSQL (tables replaced: the demo re-runs);
#   3. run the business simulator for a while;
#   4. show both verdicts: the change stream equals PostgreSQL (pnpm validate)
#      and the Delta tables on MinIO do too (pnpm delta:check), and where to look.
# Env: MDP_DEMO_RATE (default 50/s), MDP_DEMO_DURATION (default 60s).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat <<'TXT'
Usage: ./mdp demo [--compose]

  (default)   the native stack: every service as a local process (pnpm stack:up)
  --compose   docker compose up: builds the images, starts a Docker engine when none
              answers (scripts/docker-engine.sh), writes .env with random secrets when missing
  -h, --help  this help

Env: MDP_DEMO_RATE (default 50/s), MDP_DEMO_DURATION (default 60s).
TXT
}

mode=native
case "${1:-}" in
  '') ;;
  --compose) mode=compose ;;
  -h | --help) usage; exit 0 ;;
  *) echo "demo: unknown option '$1': use --compose, or no option for the native stack" >&2; usage >&2; exit 2 ;;
esac

rate=${MDP_DEMO_RATE:-50/s}
duration=${MDP_DEMO_DURATION:-60s}
step() { printf '\n== %s\n' "$*"; }

if [ "$mode" = compose ]; then
  step "a Docker engine and Compose v2 (the running one, else scripts/docker-engine.sh starts one)"
  eval "$(bash scripts/docker-engine.sh up)"
  if [ ! -f .env ]; then
    # .env.example's settings with a fresh random value for every placeholder secret
    while IFS= read -r line; do
      case "$line" in *=change-me*) line="${line%%=*}=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')" ;; esac
      printf '%s\n' "$line"
    done <.env.example >.env
    chmod 600 .env
    echo "demo: wrote .env with fresh random secrets (from .env.example)"
  fi
  step "building the images and starting every service (docker compose up -d --build --wait)"
  docker compose up -d --build --wait
  set -a
  # the host-side settings: .env.example's names with the values of .env
  source .env
  set +a
else
  step "starting the native stack (pnpm stack:up: installs what is missing, once)"
  pnpm --silent stack:up
  eval "$(pnpm --silent stack:env)"
fi

step "loading data/*.csv into PostgreSQL (pnpm sim:load --replace)"
pnpm --silent sim:load --replace

step "simulating the business at $rate for $duration (pnpm sim:run)"
pnpm --silent sim:run --rate "$rate" --duration "$duration" --reset

step "verdict 1: the Kafka change stream equals PostgreSQL (pnpm validate)"
validate_ok=0
pnpm --silent validate --timeout 300 || validate_ok=$?

step "verdict 2: the Delta tables on MinIO equal PostgreSQL (pnpm delta:check --bronze)"
# The Spark job lags the source by a few micro-batches: wait for it (up to 10 min).
lake_ok=1
for _ in $(seq 1 60); do
  if pnpm --silent delta:check --bronze --log-level warn >/tmp/mdp-demo-delta.$$ 2>&1; then
    lake_ok=0
    break
  fi
  sleep 10
done
cat /tmp/mdp-demo-delta.$$
rm -f /tmp/mdp-demo-delta.$$

minio_console=http://127.0.0.1:${MDP_MINIO_CONSOLE_PORT:-19001}
spark_ui=http://127.0.0.1:${MDP_SPARK_UI_PORT:-14040}
if [ "$mode" = native ]; then
  # the ports the running stack really uses (MDP_PORT_OFFSET, MDP_*_PORT)
  ports=$(pnpm --silent stack status --json | node -e '
    const rows = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const port = (name, i) => rows.find((r) => r.name === name)?.ports[i];
    console.log(port("minio", 1), port("spark", 0));')
  minio_console=http://127.0.0.1:${ports% *}
  spark_ui=http://127.0.0.1:${ports#* }
fi
settings='eval "$(pnpm -s stack:env)"'
stop='pnpm stack:down   /   pnpm stack:reset'
if [ "$mode" = compose ]; then
  settings='set -a; source .env; set +a'
  stop='docker compose down   /   docker compose down -v'
fi
cat <<TXT

Where to look next:
  MinIO console    $minio_console   (user \$MINIO_ROOT_USER; bucket lakehouse)
  Spark UI         $spark_ui
  the settings     $settings   (then every pnpm CLI and psql talk to this stack)
  Kafka topics     pnpm consume --topic mdp.public.orders --from-beginning --max 5
  PostgreSQL       psql
  the lake         README.md, "Getting the data out of MinIO" (Spark SQL, Python deltalake)
  keep it running  pnpm sim:run --rate 50/s     (Ctrl-C stops)
  stop / wipe      $stop
TXT

if [ "$validate_ok" -eq 0 ] && [ "$lake_ok" -eq 0 ]; then
  printf '\nBOTH VERDICTS GREEN: the stream and the lake equal PostgreSQL.\n'
else
  printf '\nA VERDICT FAILED (validate exit %s, delta:check %s): see the reports above and pnpm stack:status.\n' \
    "$validate_ok" "$([ "$lake_ok" -eq 0 ] && echo equal || echo 'not equal within 10 min')"
  exit 1
fi
