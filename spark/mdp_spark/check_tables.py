"""Reads the job's Delta tables straight from S3 with Python `deltalake` (no Spark) and prints a summary.

    spark/bin/check-tables.sh [table ...]
For each table: silver rows, bronze change events (and how many distinct
topic/partition/offset: equal means each event is there once); the quarantined
records (topic, partition, offset, error code). Reads with the read-only key
S3_READER_ACCESS_KEY/S3_READER_SECRET_KEY when set, else S3_ACCESS_KEY/S3_SECRET_KEY.
"""

import json
import os
import sys

from deltalake import DeltaTable
from deltalake.exceptions import TableNotFoundError


def storage_options(env) -> dict[str, str]:
    reader = bool(env.get("S3_READER_ACCESS_KEY") and env.get("S3_READER_SECRET_KEY"))
    key, secret = ("S3_READER_ACCESS_KEY", "S3_READER_SECRET_KEY") if reader else ("S3_ACCESS_KEY", "S3_SECRET_KEY")
    return {
        "AWS_ENDPOINT_URL": env["S3_ENDPOINT"],
        "AWS_ACCESS_KEY_ID": env[key],
        "AWS_SECRET_ACCESS_KEY": env[secret],
        "AWS_REGION": "us-east-1",
        "AWS_ALLOW_HTTP": "true",
        "AWS_S3_ALLOW_UNSAFE_RENAME": "true",
    }


def _load(uri: str, options: dict[str, str]):
    try:
        return DeltaTable(uri, storage_options=options).to_pyarrow_table()
    except TableNotFoundError:
        return None


def main(argv: list[str]) -> int:
    if "--help" in argv or "-h" in argv:
        print(__doc__.strip())
        return 0
    missing = [n for n in ("S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_BUCKET") if not os.environ.get(n)]
    if missing:
        print(f'check-tables: {", ".join(missing)} not set (eval "$(pnpm -s stack:env)")', file=sys.stderr)
        return 2
    options = storage_options(os.environ)
    root = f"s3://{os.environ['S3_BUCKET']}"
    tables = argv or ["customers", "products", "orders"]
    summary = {}
    for table in tables:
        silver = _load(f"{root}/silver/{table}", options)
        bronze = _load(f"{root}/bronze/{table}_changes", options)
        entry = {"silver_rows": None if silver is None else silver.num_rows}
        if bronze is not None:
            positions = set(
                zip(
                    bronze.column("_kafka_partition").to_pylist(),
                    bronze.column("_kafka_offset").to_pylist(),
                    strict=True,
                )
            )
            entry.update(bronze_events=bronze.num_rows, bronze_distinct_offsets=len(positions))
        summary[table] = entry
    quarantine = _load(f"{root}/quarantine/cdc_errors", options)
    summary["quarantine_rows"] = 0 if quarantine is None else quarantine.num_rows
    summary["quarantine"] = (
        [] if quarantine is None else (quarantine.select(["topic", "partition", "offset", "error_code"]).to_pylist())
    )
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    # deltalake's and pyarrow's native threads abort the interpreter's teardown
    # ("terminate called without an active exception"): everything is written, leave now.
    os._exit(code)
