"""Quarantined records replayed once their cause is fixed (a schema registered again, a key
schema restored): `python -m mdp_spark.replay` (spark/bin/replay-quarantine.sh).

Run it while the streaming job is stopped (`pnpm stack lake-replay` stops and starts it): the
job is the only writer of the lake while it runs (DESIGN.md). Every quarantined record is
decoded again from its stored key and value bytes, as the job would have: what decodes now is
written to bronze and silver (silver's LSN guards keep newer rows, and bronze's deletes and
TRUNCATEs keep what they removed gone) and then leaves the quarantine; what still does not
decode stays there with its reason. Writes are idempotent per quarantine table version, so a
replay cut short can simply be run again. Exit codes: 0 done (the summary says how many
records are left), 1 failure, 2 bad configuration, 3 a service is unreachable.
"""

import logging
import os
import sys

from delta.tables import DeltaTable
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from .job import BatchWriter, Layout
from .log import create_root_logger
from .preflight import startup
from .registry import SchemaRegistry
from .session import create_session

APP_ID = "mdp-quarantine-replay"
RECORD = ["topic", "partition", "offset"]


def replay_quarantine(
    spark: SparkSession, registry: SchemaRegistry, layout: Layout, log: logging.Logger
) -> dict[str, int]:
    """Replays the quarantine table; returns how many records were replayed and are left."""
    if not DeltaTable.isDeltaTable(spark, layout.quarantine):
        return {"replayed": 0, "left": 0}
    version = DeltaTable.forPath(spark, layout.quarantine).history(1).first()["version"]
    quarantined = spark.read.format("delta").option("versionAsOf", version).load(layout.quarantine)
    raw = (
        quarantined.select("topic", "partition", "offset", F.col("kafka_timestamp").alias("timestamp"), "key", "value")
        .dropDuplicates(RECORD)
        .persist()
    )
    try:
        total = raw.count()
        if total == 0:
            return {"replayed": 0, "left": 0}
        errors = BatchWriter(spark, registry, layout, log, app_id=APP_ID).write(raw, APP_ID, version, quarantine=False)
        still_bad = errors.select(*RECORD).distinct() if errors is not None else raw.limit(0).select(*RECORD)
        replayed = raw.select(*RECORD).join(still_bad, RECORD, "left_anti").persist()
        count = replayed.count()
        if count:
            on = " AND ".join(f"q.`{c}` = r.`{c}`" for c in RECORD)
            (
                DeltaTable.forPath(spark, layout.quarantine)
                .alias("q")
                .merge(replayed.alias("r"), on)
                .whenMatchedDelete()
                .execute()
            )
        replayed.unpersist()
        if errors is not None:
            errors.unpersist()
        return {"replayed": count, "left": total - count}
    finally:
        raw.unpersist()


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    log = create_root_logger("INFO", sys.stderr)
    ready = startup(os.environ, log, "spark/bin/replay-quarantine.sh")
    if isinstance(ready, int):
        return ready
    config, jars_dir = ready
    spark = create_session(
        "mdp-quarantine-replay",
        jars_dir,
        ui_port=None,
        driver_memory=config.driver_memory,
        s3={"endpoint": config.s3_endpoint, "access_key": config.s3_access_key, "secret_key": config.s3_secret_key},
    )
    try:
        registry = SchemaRegistry(config.schema_registry_url, logger=log.getChild("registry"))
        summary = replay_quarantine(spark, registry, Layout(config.lake_root), log.getChild("replay"))
    except Exception as err:  # noqa: BLE001 (say why, exit non-zero)
        log.error("replay failed", extra={"err": str(err).splitlines()[0] if str(err) else repr(err)})
        return 1
    finally:
        spark.stop()
    print(
        f"replayed {summary['replayed']} quarantined record(s) into bronze and silver; "
        f"{summary['left']} still do not decode and stay in {Layout(config.lake_root).quarantine}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
