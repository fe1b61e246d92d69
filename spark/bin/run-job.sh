#!/usr/bin/env bash
# Starts the streaming job (Kafka CDC topics → Delta on S3); installs what it needs first.
# Reads KAFKA_BROKERS SCHEMA_REGISTRY_URL S3_ENDPOINT S3_ACCESS_KEY S3_SECRET_KEY S3_BUCKET
# (eval "$(pnpm -s stack:env)"), MDP_SPARK_UI_PORT or MDP_PORT_OFFSET for the UI port.
# Logs go to stdout only (the supervisor writes its log file). Exits 2 on bad
# configuration, 3 when Kafka, the registry or MinIO does not answer, 1 when the
# query fails. `run-job.sh --help` lists the flags (--ready-file for readiness).
set -euo pipefail
exec 2>&1
here=$(dirname "${BASH_SOURCE[0]}")
bash "$here/setup.sh"
source "$here/lib.sh"
cd "$spark_dir"
exec "$MDP_SPARK_VENV/bin/python" -u -m mdp_spark.main "$@"
