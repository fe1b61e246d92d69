"""Polls a silver Delta table on MinIO for `pnpm bench` (freshness and sustained rate), and
its bronze table too when given (the freshness part's hops).

Usage: spark/bin/python.sh bench/scripts/poll-silver.py s3://lakehouse/silver/orders 0.5 \
         [s3://lakehouse/bronze/orders_changes]

Reads with the read-only key (S3_READER_ACCESS_KEY/S3_READER_SECRET_KEY at
S3_ENDPOINT). Prints one JSON line per poll on stdout:
  {"ready": true, "t": ms, "v": version, "rows": n}             once, after the first read
  {"t": ms, "v": version, "ms": poll_ms}                        the version did not change
  {"t": ms, "v": version, "ms": poll_ms, "new": [commit_ms, ...], "max": newest_commit_ms}
t is the wall-clock time (epoch ms) right after the version check that saw the
version; "new" holds the _commit_ts (epoch ms) of every (id, _lsn) not seen in an
earlier version. With a bronze table, a poll that saw a new bronze version adds
  "bt": ms, "bronze": [[commit_ms, kafka_ms], ...]
bt being the time right after bronze's version check, and one pair per change
appended since (_commit_ts and _kafka_timestamp, the Kafka record's timestamp).
Bronze is append-only with increasing Kafka offsets (one partition per topic),
so a poll reads only the files whose offsets are above the newest it has seen.
Runs until killed.
"""

import json
import sys
import time

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
from deltalake import DeltaTable
from deltalake.exceptions import TableNotFoundError
from lake_reader import storage_options

UNIT_PER_MS = {"s": 0.001, "ms": 1, "us": 1000, "ns": 1_000_000}


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def rows(table):
    data = table.to_pyarrow_table(columns=["id", "_lsn", "_commit_ts"])
    return zip(
        data.column("id").to_pylist(), data.column("_lsn").to_pylist(), epoch_ms(data.column("_commit_ts")), strict=True
    )


def epoch_ms(column):
    per_ms = UNIT_PER_MS[column.type.unit]
    return [None if v is None else v / per_ms for v in column.cast(pa.int64()).to_pylist()]


class BronzeTail:
    """The changes appended to a bronze table since the last look."""

    def __init__(self, table):
        self._table = table
        self._version = table.version()
        newest = table.to_pyarrow_table(columns=["_kafka_offset"]).column("_kafka_offset")
        self._offset = pc.max(newest).as_py() if len(newest) else -1

    def poll(self, line):
        self._table.update_incremental()
        line["bt"] = time.time() * 1000
        if self._table.version() == self._version:
            return
        self._version = self._table.version()
        data = self._table.to_pyarrow_dataset().to_table(
            columns=["_kafka_offset", "_commit_ts", "_kafka_timestamp"], filter=ds.field("_kafka_offset") > self._offset
        )
        if len(data):
            self._offset = max(self._offset, pc.max(data.column("_kafka_offset")).as_py())
        line["bronze"] = [
            [c, k]
            for c, k in zip(epoch_ms(data.column("_commit_ts")), epoch_ms(data.column("_kafka_timestamp")), strict=True)
            if c is not None
        ]


def open_table(uri, options, interval):
    while True:
        try:
            return DeltaTable(uri, storage_options=options)
        except TableNotFoundError:
            time.sleep(interval)


def main():
    uri, interval = sys.argv[1], float(sys.argv[2])
    options = storage_options()
    table = open_table(uri, options, interval)
    bronze = BronzeTail(open_table(sys.argv[3], options, interval)) if len(sys.argv) > 3 else None
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
        if bronze is not None:
            bronze.poll(line)
        line["ms"] = round((time.monotonic() - started) * 1000, 1)
        emit(line)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
