#!/usr/bin/env bash
# The Spark job's own tests: installs (idempotently), then pytest on a local
# SparkSession with Delta tables in temporary directories (no network).
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
bash "$here/setup.sh"
source "$here/lib.sh"
cd "$spark_dir"
exec "$MDP_SPARK_VENV/bin/python" -m pytest -q -p no:cacheprovider tests "$@"
