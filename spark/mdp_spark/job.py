"""The streaming query: every CDC topic → bronze, silver and quarantine Delta tables."""

import logging
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery

from .decode import QUARANTINE_SCHEMA, decode_batch
from .registry import SchemaRegistry
from .sink import (
    DELTA_RETAIN_HOURS,
    Compaction,
    DeltaTables,
    append_idempotent,
    clear_silver_before,
    has_unavailable,
    merge_silver,
)
from .transform import completes_snapshot

DEFAULT_TOPIC_PATTERN = r"mdp\.public\..*"
# writes of a table between two compactions of it (sink.Compaction)
DEFAULT_COMPACT_EVERY = 50


@dataclass(frozen=True)
class Layout:
    """Where the tables live (DESIGN.md: bronze/<table>_changes, silver/<table>, quarantine, _checkpoints)."""

    root: str

    def bronze(self, table: str) -> str:
        return f"{self.root}/bronze/{table}_changes"

    def silver(self, table: str) -> str:
        return f"{self.root}/silver/{table}"

    @property
    def quarantine(self) -> str:
        return f"{self.root}/quarantine/cdc_errors"

    @property
    def checkpoint(self) -> str:
        return f"{self.root}/_checkpoints/cdc"


class BatchWriter:
    """The foreachBatch function. `app_id` names the idempotent writes (the query's id)."""

    def __init__(
        self,
        spark: SparkSession,
        registry: SchemaRegistry,
        layout: Layout,
        logger: logging.Logger | None = None,
        app_id: str | None = None,
        compact_every: int = DEFAULT_COMPACT_EVERY,
        retain_hours: float = DELTA_RETAIN_HOURS,
    ):
        self._spark = spark
        self._registry = registry
        self._layout = layout
        self._log = logger or logging.getLogger("mdp_spark.job")
        self._app_id = app_id
        self._tables = DeltaTables(spark, self._log)
        self._compaction = Compaction(spark, compact_every, self._log, retain_hours)
        # per table: the newest LSN this job has written (None: none yet, since its start)
        self._high_water: dict[str, int | None] = {}
        self._app_id_ready = threading.Event()
        if app_id is not None:
            self._app_id_ready.set()

    def create_quarantine(self) -> None:
        """Creates the quarantine table empty when it is missing, so that a reader (lake:sql, the
        console) finds it in a healthy lake too, not only after a first record was quarantined."""
        empty = self._spark.createDataFrame([], QUARANTINE_SCHEMA).withColumn("batch_id", F.lit(0))
        self._tables.ensure(self._layout.quarantine, empty, {})

    def set_app_id(self, app_id: str) -> None:
        self._app_id = app_id
        self._app_id_ready.set()

    def __call__(self, batch: DataFrame, batch_id: int) -> None:
        if not self._app_id_ready.wait(timeout=120):
            raise RuntimeError("the streaming query's id was never set")
        raw = batch.select("topic", "partition", "offset", "timestamp", "key", "value").persist()
        try:
            errors = self.write(raw, f"mdp-cdc-{self._app_id}", batch_id)
            if errors is not None:
                errors.unpersist()
        finally:
            raw.unpersist()

    def write(self, raw: DataFrame, app_id: str, version: int, quarantine: bool = True) -> DataFrame | None:
        """Decodes `raw` (the Kafka source's columns) and writes bronze and silver, each write once
        per (app_id, version). Returns the records that do not decode (persisted: unpersist them),
        or None; `quarantine` appends them to the quarantine table too."""
        started = time.monotonic()
        decoded = decode_batch(raw, self._registry, self._log)
        errors = None
        if decoded.quarantine:
            errors = decoded.quarantine[0]
            for frame in decoded.quarantine[1:]:
                errors = errors.unionByName(frame)
            errors = errors.persist()
            bad = errors.count()
            if bad and quarantine:
                append_idempotent(
                    self._tables,
                    errors.withColumn("batch_id", F.lit(version)),
                    self._layout.quarantine,
                    app_id,
                    version,
                )
                self._compaction.wrote(self._layout.quarantine)
                self._log.error(
                    "records quarantined: replay them once the cause is fixed (pnpm stack lake-replay)",
                    extra={"batch_id": version, "records": bad, "path": self._layout.quarantine},
                )
        # One thread per table: each table's writes are a chain of small Spark jobs
        # whose driver-side planning leaves the cores idle; tables are independent.
        with ThreadPoolExecutor(max_workers=max(1, len(decoded.tables))) as pool:
            for done in [
                pool.submit(self._write_table, table, item, app_id, version)
                for table, item in sorted(decoded.tables.items())
            ]:
                done.result()  # re-raises a table's failure: the batch fails, Spark retries it
        self._log.info(
            "batch written",
            extra={
                "batch_id": version,
                "records": decoded.counts,
                "tables": sorted(decoded.tables),
                "seconds": round(time.monotonic() - started, 3),
            },
        )
        return errors

    def _sequence_snapshot_rows(self, changes: DataFrame, bronze: str, first_offset: int) -> DataFrame:
        """Gives each row of an incremental snapshot (Debezium sends them without an LSN) the LSN of
        the newest change before it in its topic, from the batch or else from bronze.

        Debezium emits a snapshot row after every change streamed before its window closed, and
        drops it when its key changed inside the window: the row is the key's state at that point
        of the topic (one partition per topic: infra/connect/mdp-postgres.json). With that LSN the
        silver guards and delta:check's bronze replay order it among the changes without knowing
        about snapshots.
        """
        before = None
        if self._tables.schema(bronze) is not None:
            before = (
                self._spark.read.format("delta")
                .load(bronze)
                .where(F.col("_kafka_offset") < F.lit(first_offset))
                .agg(F.max("_lsn"))
                .first()[0]
            )
        earlier = (
            Window.partitionBy("_kafka_topic", "_kafka_partition")
            .orderBy("_kafka_offset")
            .rowsBetween(Window.unboundedPreceding, Window.currentRow)
        )
        in_batch = F.max("_lsn").over(earlier)
        return changes.withColumn(
            "_lsn",
            F.when(
                (F.col("_change_type") == "snapshot") & F.col("_lsn").isNull(),
                F.coalesce(in_batch, F.lit(before).cast("long")),
            ).otherwise(F.col("_lsn")),
        )

    def _write_table(self, table: str, item, app_id: str, batch_id: int) -> None:
        changes = item.changes.persist()
        bronze = self._layout.bronze(table)
        try:
            bounds = _bounds(changes)
            if bounds["unsequenced"]:
                sequenced = self._sequence_snapshot_rows(changes, bronze, bounds["first_offset"]).persist()
                changes.unpersist()
                changes = sequenced
                bounds = _bounds(changes)
            high_water = self._high_water.get(table)
            append_idempotent(self._tables, changes, bronze, app_id, batch_id, {"delta.appendOnly": "true"})
            self._compaction.wrote(bronze)
            silver = self._layout.silver(table)
            cleared = bounds["cleared"]
            if item.key_columns:
                deletes = None
                # A change at or below the newest LSN this job already wrote is a re-delivery
                # (Kafka at-least-once, or the batch replayed after a restart: unknown until
                # the first batch): a delete, a TRUNCATE or a completed snapshot bronze holds
                # may outrank it. Only those from the batch's oldest LSN on can, and the bound
                # lets Delta skip older files. Batches of new changes only skip the read.
                if high_water is None or (bounds["oldest"] is not None and bounds["oldest"] <= high_water):
                    known = (
                        self._spark.read.format("delta").load(bronze).where(F.col("_lsn") >= F.lit(bounds["oldest"]))
                    )
                    deletes = known.where(F.col("_change_type") == "delete").select(*item.key_columns, "_lsn")
                    cleared = known.where(_clears()).agg(F.max("_lsn")).first()[0]
                rows = self._tables.follow_source(silver, changes, item.source_columns, item.key_columns)
                merge_silver(self._tables, rows, item.key_columns, silver, deletes, bounds["unavailable"])
                self._tables.declare_derived(silver, item.derived)
            elif cleared is None:  # (a batch of only TRUNCATEs has no key schema, yet may have a silver table)
                self._log.warning(
                    "table has no primary key in its Kafka key: bronze only, no silver", extra={"table": table}
                )
            if cleared is not None:
                clear_silver_before(self._tables, silver, cleared)
            if self._tables.schema(silver) is not None:
                self._compaction.wrote(silver)
            if bounds["newest"] is not None:
                self._high_water[table] = max(bounds["newest"], high_water or bounds["newest"])
        finally:
            changes.unpersist()


def _clears():
    """A change before which (by LSN) every row of its table is gone: a TRUNCATE, or the end of a
    blocking snapshot (the one Debezium takes again after its slot was lost), whose rows are then
    all in the table with its LSN: a row the source deleted while no slot recorded it goes."""
    return (F.col("_change_type") == "truncate") | completes_snapshot()


def _bounds(changes: DataFrame):
    """One aggregate over a table's changes: LSN range, newest change that clears the table (_clears),
    placeholders, snapshot rows without an LSN, first Kafka offset."""
    snapshot_without_lsn = (F.col("_change_type") == "snapshot") & F.col("_lsn").isNull()
    return changes.agg(
        F.min("_lsn").alias("oldest"),
        F.max("_lsn").alias("newest"),
        F.max(F.when(_clears(), F.col("_lsn"))).alias("cleared"),
        has_unavailable(changes).alias("unavailable"),
        F.coalesce(F.max(snapshot_without_lsn), F.lit(False)).alias("unsequenced"),
        F.min("_kafka_offset").alias("first_offset"),
    ).first()


def start_query(
    spark: SparkSession,
    writer: BatchWriter,
    layout: Layout,
    brokers: str,
    kafka_login: Mapping[str, str],
    topic_pattern: str = DEFAULT_TOPIC_PATTERN,
    trigger_seconds: float = 2.0,
    max_offsets_per_trigger: int = 50_000,
) -> StreamingQuery:
    source = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", brokers)
        .options(**{f"kafka.{name}": value for name, value in kafka_login.items()})
        .option("subscribePattern", topic_pattern)
        # topics Debezium creates after the job started are found within seconds, not 5 minutes
        .option("kafka.metadata.max.age.ms", "10000")
        .option("startingOffsets", "earliest")
        .option("failOnDataLoss", "true")
        .option("maxOffsetsPerTrigger", max_offsets_per_trigger)
        .load()
    )
    query = (
        source.writeStream.queryName("mdp-cdc-to-delta")
        .foreachBatch(writer)
        .option("checkpointLocation", layout.checkpoint)
        .trigger(processingTime=f"{trigger_seconds} seconds")
        .start()
    )
    writer.set_app_id(str(query.id))
    return query


__all__ = ["BatchWriter", "Layout", "start_query", "QUARANTINE_SCHEMA"]
