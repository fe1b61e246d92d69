#!/usr/bin/env bash
# SQL over the lake's Delta tables without a JVM (pnpm lake:sql "SELECT …"): Python
# deltalake's DataFusion engine, tables named silver.<t>, bronze.<t>_changes,
# quarantine.cdc_errors; --help for more. spark/bin/sql.sh is the Spark SQL one.
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
bash "$here/setup.sh" >/dev/null
source "$here/lib.sh"
# pnpm runs root scripts from the repository root: a relative --root is the caller's.
cd "${INIT_CWD:-$PWD}"
export TZ=UTC
PYTHONPATH="$spark_dir${PYTHONPATH:+:$PYTHONPATH}" exec "$MDP_SPARK_VENV/bin/python" -m mdp_spark.lake_sql "$@"
