#!/usr/bin/env bash
# Readiness probe of a Spark standalone worker (the cluster profile): ready once the
# master lists it as ALIVE, i.e. it can take an executor. Asks the master's JSON page.
#   spark-worker-ready.sh MASTER_UI WORKER_UI    (each host:port, as the master knows them)
set -uo pipefail
master_ui=${1:?master UI host:port} worker_ui=${2:?worker UI host:port}
curl -fsS --max-time 3 "http://$master_ui/json/" | python3 -c '
import json, sys
workers = json.load(sys.stdin).get("workers", [])
address = "http://" + sys.argv[1]
alive = [w for w in workers if w.get("webuiaddress") == address and w.get("state") == "ALIVE"]
sys.exit(0 if alive else 1)
' "$worker_ui"
