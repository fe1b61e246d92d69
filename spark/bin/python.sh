#!/usr/bin/env bash
# The Spark job's Python (its venv: pyspark, delta-spark, deltalake, pyarrow), for
# your own scripts against the lake: spark/bin/python.sh my_script.py, or - for stdin.
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
bash "$here/setup.sh" 2>/dev/null
source "$here/lib.sh"
exec "$MDP_SPARK_VENV/bin/python" "$@"
