#!/usr/bin/env bash
# Starts the streaming job (Kafka CDC topics → Delta on S3); installs what it needs first.
# Reads KAFKA_BROKERS SCHEMA_REGISTRY_URL S3_ENDPOINT S3_ACCESS_KEY S3_SECRET_KEY S3_BUCKET
# (eval "$(pnpm -s stack:env)"), MDP_SPARK_UI_PORT or MDP_PORT_OFFSET for the UI port.
# With MDP_SPARK_MASTER=spark://host:port (the stack's cluster profile) spark-submit runs
# it on that standalone cluster: the driver here, the executors on the workers, the job's
# Python package shipped to them as a zip (--py-files). Otherwise in local[2].
# Logs go to stdout only (the supervisor writes its log file). Exits 2 on bad
# configuration, 3 when Kafka, the registry or MinIO does not answer, 1 when the
# query fails. `run-job.sh --help` lists the flags (--ready-file for readiness).
set -euo pipefail
exec 2>&1
here=$(dirname "${BASH_SOURCE[0]}")
bash "$here/setup.sh"
source "$here/lib.sh"
cd "$spark_dir"
case ${MDP_SPARK_MASTER:-local} in
spark://*)
  export PYTHONUNBUFFERED=1
  # this checkout's package, zipped afresh at each start (one zip per checkout)
  package="$mdp_spark_cache/package-$(printf '%s' "$spark_dir" | cksum | cut -d' ' -f1)/mdp_spark.zip"
  mkdir -p "$(dirname "$package")"
  "$MDP_SPARK_VENV/bin/python" -m zipfile -c "$package.tmp" mdp_spark
  mv "$package.tmp" "$package"
  log_config="-Dlog4j2.configurationFile=file:$spark_dir/conf/log4j2.properties"
  exec "$MDP_SPARK_VENV/bin/spark-submit" --master "$MDP_SPARK_MASTER" --deploy-mode client \
    --name mdp-cdc-to-delta --driver-memory "${MDP_SPARK_DRIVER_MEMORY:-1g}" \
    --driver-class-path "$MDP_SPARK_JARS_DIR/*" \
    --conf "spark.driver.extraJavaOptions=-Xss16m $log_config" \
    --conf "spark.executor.extraJavaOptions=-Xss16m $log_config" \
    --conf "spark.pyspark.python=$MDP_SPARK_VENV/bin/python" \
    --py-files "$package" "$spark_dir/bin/job.py" "$@"
  ;;
esac
exec "$MDP_SPARK_VENV/bin/python" -u -m mdp_spark.main "$@"
