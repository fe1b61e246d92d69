#!/usr/bin/env bash
# A node of a Spark standalone cluster, in the foreground (the stack's cluster profile
# supervises each one): installs what the job's executors need first, like any node
# of a real cluster (spark/bin/setup.sh: the connector jars the executors load from
# the same path, the venv whose Python runs the job's functions).
#   run-node.sh master PORT UI_PORT
#   run-node.sh worker MASTER_URL UI_PORT WORK_DIR
# Binds to and is reached at MDP_SPARK_HOST (default 127.0.0.1; a container's own
# name under docker compose); the worker offers 1 core and 1536 MB.
set -euo pipefail
exec 2>&1
here=$(dirname "${BASH_SOURCE[0]}")
bash "$here/setup.sh"
source "$here/lib.sh"
host=${MDP_SPARK_HOST:-127.0.0.1}
class="$MDP_SPARK_VENV/bin/spark-class"
case ${1:-} in
master)
  # no REST submission server (a fixed port, 6066): the job is submitted to the master's RPC port
  export SPARK_MASTER_OPTS="-Dspark.master.rest.enabled=false ${SPARK_MASTER_OPTS:-}"
  exec "$class" org.apache.spark.deploy.master.Master --host "$host" \
    --port "${2:?port}" --webui-port "${3:?ui port}"
  ;;
worker)
  exec "$class" org.apache.spark.deploy.worker.Worker --host "$host" \
    --webui-port "${3:?ui port}" --work-dir "${4:?work dir}" --cores 1 --memory 1536m "${2:?master url}"
  ;;
*)
  echo "usage: run-node.sh master PORT UI_PORT | worker MASTER_URL UI_PORT WORK_DIR" >&2
  exit 2
  ;;
esac
