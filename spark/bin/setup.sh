#!/usr/bin/env bash
# Installs what the Spark job needs, idempotently, into the cache outside the repo
# (${MDP_CACHE:-$HOME/.cache/mdp}/spark/…, one directory per version set):
#   venv-…  Python venv with the pinned pyspark, delta-spark, deltalake, pytest
#   jars-…  connector jars from Maven (Delta, Kafka source, Avro, S3A + AWS SDK)
#           minus every jar pyspark already ships
# A second run finds both complete and returns at once.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

log() { echo "spark setup: $*" >&2; }

mkdir -p "$mdp_spark_cache"
# One installer at a time (the stack's job and the tests may start together).
exec 9>"$mdp_spark_cache/.setup.lock"
flock 9

python_bin=${MDP_PYTHON:-python3}
if [ ! -f "$MDP_SPARK_VENV/.complete" ]; then
  log "creating venv $MDP_SPARK_VENV (pip, ~1 min cold)"
  rm -rf "$MDP_SPARK_VENV"
  "$python_bin" -m venv "$MDP_SPARK_VENV"
  "$MDP_SPARK_VENV/bin/pip" install --quiet --disable-pip-version-check --no-input \
    -r "$spark_dir/requirements.txt"
  touch "$MDP_SPARK_VENV/.complete"
fi

pyspark_jars=$("$MDP_SPARK_VENV/bin/python" -c 'import os, pyspark; print(os.path.join(os.path.dirname(pyspark.__file__), "jars"))')

if [ ! -f "$MDP_SPARK_JARS_DIR/.complete" ]; then
  log "resolving connector jars into $MDP_SPARK_JARS_DIR (Maven, ~760 MB cold)"
  rm -rf "$MDP_SPARK_JARS_DIR" "$MDP_SPARK_JARS_DIR.tmp"
  mvn -q -B -f "$spark_dir/jars/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$MDP_SPARK_JARS_DIR.tmp" \
    -Dspark.version="$PYSPARK_VERSION" \
    -Dspark.binary.version="${PYSPARK_VERSION%.*}" \
    -Dscala.binary.version="$SPARK_SCALA_VERSION" \
    -Ddelta.version="$DELTA_SPARK_VERSION" \
    -Dhadoop.version="$HADOOP_AWS_VERSION" >&2
  # Drop what pyspark ships already (older jackson, hadoop client, parquet, scala
  # that Delta drags in): pyspark's own set is the one that agrees with itself.
  artifact() { basename "$1" .jar | sed -E 's/-[0-9][^-]*(-[A-Za-z0-9.]+)?$//'; }
  declare -A shipped=()
  for jar in "$pyspark_jars"/*.jar; do shipped[$(artifact "$jar")]=1; done
  for jar in "$MDP_SPARK_JARS_DIR.tmp"/*.jar; do
    if [ -n "${shipped[$(artifact "$jar")]:-}" ]; then rm "$jar"; fi
  done
  touch "$MDP_SPARK_JARS_DIR.tmp/.complete"
  mv "$MDP_SPARK_JARS_DIR.tmp" "$MDP_SPARK_JARS_DIR"
fi
log "ready: venv $MDP_SPARK_VENV, $(find "$MDP_SPARK_JARS_DIR" -name '*.jar' | wc -l) jars"
