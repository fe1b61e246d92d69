#!/usr/bin/env bash
# Starts the streaming job (Kafka CDC topics → Delta on S3); installs what it needs first.
# Needs KAFKA_BROKERS SCHEMA_REGISTRY_URL S3_ENDPOINT S3_ACCESS_KEY S3_SECRET_KEY S3_BUCKET
# (eval "$(pnpm -s stack:env)"). `run-job.sh --help` lists the flags.
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
bash "$here/setup.sh"
source "$here/lib.sh"
cd "$spark_dir"
exec "$MDP_SPARK_VENV/bin/python" -m mdp_spark.main "$@"
