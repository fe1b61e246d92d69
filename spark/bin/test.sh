#!/usr/bin/env bash
# The Spark job's own tests: installs (idempotently), then pytest on a local
# SparkSession with Delta tables in temporary directories (no network).
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
bash "$here/setup.sh"
source "$here/lib.sh"
# Python turns timestamps into naive datetimes in its local zone: make that UTC.
export TZ=UTC
cd "$spark_dir"
exec "$MDP_SPARK_VENV/bin/python" -m pytest -q -p no:cacheprovider tests "$@"
