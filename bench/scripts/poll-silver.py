"""Polls a Delta table on MinIO for `pnpm bench` (freshness and sustained rate).

Usage: spark/bin/python.sh bench/scripts/poll-silver.py s3://lakehouse/silver/orders 0.5

Reads with the read-only key (S3_READER_ACCESS_KEY/S3_READER_SECRET_KEY at
S3_ENDPOINT). Prints one JSON line per poll on stdout:
  {"ready": true, "t": ms, "v": version, "rows": n}             once, after the first read
  {"t": ms, "v": version, "ms": poll_ms}                        the version did not change
  {"t": ms, "v": version, "ms": poll_ms, "new": [commit_ms, ...], "max": newest_commit_ms}
t is the wall-clock time (epoch ms) right after the version check that saw the
version; "new" holds the _commit_ts (epoch ms) of every (id, _lsn) not seen in an
earlier version. Runs until killed.
"""
import json
import sys
import time

import pyarrow as pa
from deltalake import DeltaTable
from deltalake.exceptions import TableNotFoundError

from lake_reader import storage_options

UNIT_PER_MS = {"s": 0.001, "ms": 1, "us": 1000, "ns": 1_000_000}


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def rows(table):
    data = table.to_pyarrow_table(columns=["id", "_lsn", "_commit_ts"])
    ts = data.column("_commit_ts")
    per_ms = UNIT_PER_MS[ts.type.unit]
    commit_ms = [None if v is None else v / per_ms for v in ts.cast(pa.int64()).to_pylist()]
    return zip(data.column("id").to_pylist(), data.column("_lsn").to_pylist(), commit_ms)


def main():
    uri, interval = sys.argv[1], float(sys.argv[2])
    options = storage_options()
    table = None
    while table is None:
        try:
            table = DeltaTable(uri, storage_options=options)
        except TableNotFoundError:
            time.sleep(interval)
    version = table.version()
    seen = set()
    newest = 0
    for key, lsn, commit in rows(table):
        seen.add((key, lsn))
        newest = max(newest, commit or 0)
    emit({"ready": True, "t": time.time() * 1000, "v": version, "rows": len(seen), "max": newest})
    due = time.monotonic()
    while True:
        due += interval
        time.sleep(max(0.0, due - time.monotonic()))
        due = max(due, time.monotonic() - interval)  # a slow poll does not make the next ones burst
        started = time.monotonic()
        table.update_incremental()
        now = time.time() * 1000
        current = table.version()
        line = {"t": now, "v": current}
        if current != version:
            version = current
            new = []
            for key, lsn, commit in rows(table):
                if (key, lsn) not in seen:
                    seen.add((key, lsn))
                    if commit is not None:
                        new.append(commit)
                        newest = max(newest, commit)
            line["new"] = new
            line["max"] = newest
        line["ms"] = round((time.monotonic() - started) * 1000, 1)
        emit(line)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
