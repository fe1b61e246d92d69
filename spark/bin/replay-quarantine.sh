#!/usr/bin/env bash
# Replays the quarantined records whose cause is fixed into bronze and silver
# (python -m mdp_spark.replay; --help says how). Run it while the streaming job
# is stopped: `pnpm stack lake-replay` does stop, replay, start.
# Reads KAFKA_BROKERS SCHEMA_REGISTRY_URL S3_ENDPOINT S3_ACCESS_KEY S3_SECRET_KEY S3_BUCKET.
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
bash "$here/setup.sh" >&2
source "$here/lib.sh"
cd "$spark_dir"
exec "$MDP_SPARK_VENV/bin/python" -u -m mdp_spark.replay "$@"
