#!/usr/bin/env bash
# Summarises the Delta tables on S3 with Python deltalake (no Spark): silver rows,
# bronze events vs distinct offsets, quarantine rows. Reads S3_* like the job.
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
bash "$here/setup.sh"
source "$here/lib.sh"
cd "$spark_dir"
exec "$MDP_SPARK_VENV/bin/python" -m mdp_spark.check_tables "$@"
