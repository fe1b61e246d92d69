#!/usr/bin/env bash
# Spark SQL over the Delta tables on MinIO (read-only): spark/bin/sql.sh "SELECT …".
# Views silver_<table>, bronze_<table>_changes, quarantine_cdc_errors; --help for more.
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
bash "$here/setup.sh" 2>/dev/null
source "$here/lib.sh"
cd "$spark_dir"
export TZ=UTC
exec "$MDP_SPARK_VENV/bin/python" -m mdp_spark.sql "$@" 2> >(grep -v -E '^(WARNING|Using Spark|Setting default|To adjust|SLF4J|[0-9/]+ [0-9:]+ WARN)' >&2)
