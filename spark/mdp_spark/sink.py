"""Delta writes: bronze append (idempotent per batch), silver MERGE (newest LSN wins), quarantine.

Exactly once in bronze: every append carries Delta's txnAppId/txnVersion (the
streaming query's id and the batch id). A batch that is run again after a
crash (Spark replays the same offsets under the same batch id) finds its
version already committed for that app id and Delta writes nothing.

Silver: each batch is reduced to the newest change per key (LSN, then Kafka
offset, which orders changes within a transaction), then MERGEd with guards
on the LSN, so an old or replayed event never overwrites a newer row; a delete
removes the row, and an old insert or update replayed after a delete does not
bring the row back (bronze, written first, holds the delete and its LSN).

Silver's columns follow the source's newest schema: a column dropped or renamed
in PostgreSQL leaves silver, a retyped one takes its new type (the table is
rewritten once), and the incremental snapshot postgres-init's DDL trigger asks
for fills every row with the new shape. Derived columns are named in the table
property `mdp.derivedColumns` (a JSON array), so readers can tell them apart.
Bronze, a change log, keeps every column it ever had.

An unchanged TOASTed value of a table whose replica identity is not FULL comes
as Debezium's placeholder (UNAVAILABLE_VALUE): bronze keeps the event as sent,
silver keeps the value the row had (from an earlier change of the batch, else
from silver itself), never the placeholder.
"""

import json
import logging

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import (
    BinaryType,
    ByteType,
    DataType,
    DecimalType,
    DoubleType,
    FloatType,
    IntegerType,
    LongType,
    ShortType,
    StringType,
    StructType,
)

TABLE_PROPERTIES = {"delta.enableDeletionVectors": "false"}
DERIVED_PROPERTY = "mdp.derivedColumns"
# Debezium's unavailable.value.placeholder (pinned in infra/connect/mdp-postgres.json).
UNAVAILABLE_VALUE = "__debezium_unavailable_value"
# how long Delta keeps a file no longer read by a table's newest version unless told (7 days)
DELTA_RETAIN_HOURS = 168


def _quote(name: str) -> str:
    if name.replace("_", "a").isalnum() and not name[0].isdigit():
        return name
    return "`" + name.replace("`", "``") + "`"


class DeltaTables:
    """The job's tables and their schemas, each read once from its Delta log.

    The job is the only writer of its tables (DESIGN.md), so what it knows stays
    true: every micro-batch would otherwise list and replay each table's log
    several times just to learn whether it exists and which columns it has.
    """

    def __init__(self, spark: SparkSession, log: logging.Logger | None = None):
        self._spark = spark
        self._log = log or logging.getLogger("mdp_spark.sink")
        self._schemas: dict[str, StructType | None] = {}
        self._properties: dict[str, dict[str, str]] = {}

    @property
    def spark(self) -> SparkSession:
        return self._spark

    def schema(self, path: str) -> StructType | None:
        if path not in self._schemas:
            exists = DeltaTable.isDeltaTable(self._spark, path)
            self._schemas[path] = DeltaTable.forPath(self._spark, path).toDF().schema if exists else None
        return self._schemas[path]

    def properties(self, path: str) -> dict[str, str]:
        """The table properties of the existing table at `path`."""
        if path not in self._properties:
            self._properties[path] = dict(DeltaTable.forPath(self._spark, path).detail().first()["properties"])
        return self._properties[path]

    def ensure(self, path: str, df: DataFrame, properties: dict[str, str]) -> DataFrame:
        """Creates the table for `df`, or adds `df`'s new columns to it; returns `df` in the table's types."""
        schema = self.schema(path)
        if schema is None:
            builder = DeltaTable.createIfNotExists(self._spark).location(path).addColumns(df.schema)
            for key, value in {**TABLE_PROPERTIES, **properties}.items():
                builder = builder.property(key, value)
            builder.execute()
            self._schemas[path] = df.schema
            self._properties[path] = {**TABLE_PROPERTIES, **properties}
            return df
        added = [f for f in df.schema.fields if f.name not in schema.fieldNames()]
        if added:  # a nullable column added in PostgreSQL
            ddl = ", ".join(f"{_quote(f.name)} {f.dataType.simpleString()}" for f in added)
            self._spark.sql(f"ALTER TABLE delta.{_quote(path)} ADD COLUMNS ({ddl})")
            self._schemas[path] = StructType(schema.fields + added)
            self._log.info("table schema evolved", extra={"path": path, "added": [f.name for f in added]})
        return self._align(path, df)

    def follow_source(self, path: str, df: DataFrame, source: StructType, key_columns: list[str]) -> DataFrame:
        """`df` (change rows) reduced to the `_` columns and `source`'s, in `source`'s types (NULL where
        an older row's value does not fit: the snapshot sends it again); the table at `path` loses the
        columns `source` no longer has and takes its new types. A key column it lacks (the key renamed
        at the source) empties it: no row could be matched again, and the snapshot sends them all."""
        types = {f.name: f.dataType for f in source.fields}
        rows = df.select(
            *[c for c in df.columns if c.startswith("_")],
            *[df[_quote(f.name)].try_cast(f.dataType).alias(f.name) for f in source.fields],
        )
        schema = self.schema(path)
        if schema is None:
            return rows
        current = [f for f in schema.fields if not f.name.startswith("_")]
        gone = [f.name for f in current if f.name not in types]
        retyped = [f.name for f in current if f.name in types and f.dataType != types[f.name]]
        rekeyed = any(k not in schema.fieldNames() for k in key_columns)
        if gone or retyped or rekeyed:
            self._rewrite(path, {c: types[c] for c in retyped}, gone, empty=rekeyed)
            self._log.warning(
                "columns dropped or retyped at the source: table rewritten, the source's "
                "incremental snapshot refills the rows",
                extra={"path": path, "dropped": gone, "retyped": retyped, "emptied": rekeyed},
            )
        return rows

    def declare_derived(self, path: str, derived: list[str]) -> None:
        """Names the table's derived columns in its DERIVED_PROPERTY (set when it changes)."""
        if self.schema(path) is None:
            return
        wanted = json.dumps(sorted(derived))
        if self.properties(path).get(DERIVED_PROPERTY) != wanted:
            self._spark.sql(f"ALTER TABLE delta.{_quote(path)} SET TBLPROPERTIES ('{DERIVED_PROPERTY}' = '{wanted}')")
            self.properties(path)[DERIVED_PROPERTY] = wanted

    def _rewrite(self, path: str, retype: dict[str, DataType], drop: list[str] = (), empty: bool = False) -> None:
        """Rewrites the table at `path` without the columns `drop` and with `retype`'s new types (NULL
        where a value does not fit), without its rows if `empty`. An append-only table (bronze) is
        opened for that one commit."""
        table = self._spark.read.format("delta").load(path)
        if empty:
            table = table.where(F.lit(False))
        table = table.select(
            *[
                (table[_quote(c)].try_cast(retype[c]) if c in retype else table[_quote(c)]).alias(c)
                for c in table.columns
                if c not in drop
            ]
        )
        sql_path = f"delta.{_quote(path)}"
        append_only = self.properties(path).get("delta.appendOnly") == "true"
        if append_only:
            self._spark.sql(f"ALTER TABLE {sql_path} SET TBLPROPERTIES ('delta.appendOnly' = 'false')")
        table.write.format("delta").mode("overwrite").option("overwriteSchema", "true").save(path)
        if append_only:
            self._spark.sql(f"ALTER TABLE {sql_path} SET TBLPROPERTIES ('delta.appendOnly' = 'true')")
        self._schemas[path] = table.schema

    def _align(self, path: str, df: DataFrame) -> DataFrame:
        """Follows a column type that changed at the source.

        A widening the registry accepts under BACKWARD (int → bigint, float →
        double, a larger decimal) rewrites the table with the wider type: every
        value fits, and readers without Delta's type-widening feature (Python
        deltalake) can still read it. Any other change (one the registry was
        told to accept, the documented recovery) keeps the table's type and casts
        the values; one that does not fit fails the batch loudly (ANSI mode).
        """
        types = {f.name: f.dataType for f in self._schemas[path].fields}
        changed = [f for f in df.schema.fields if f.name in types and f.dataType != types[f.name]]
        widened = {f.name: f.dataType for f in changed if _widens(types[f.name], f.dataType)}
        if widened:
            self._rewrite(path, widened)
            types.update(widened)
            self._log.warning(
                "column types widened at the source: table rewritten with them",
                extra={"path": path, "columns": {c: t.simpleString() for c, t in widened.items()}},
            )
        cast = [f.name for f in changed if f.name not in widened]
        if not cast:
            return df
        self._log.warning(
            "column types changed at the source: cast to the table's types",
            extra={"path": path, "columns": {c: types[c].simpleString() for c in cast}},
        )
        return df.select(*[df[c].cast(types[c]).alias(c) if c in cast else df[c] for c in df.columns])


def _widens(old: DataType, new: DataType) -> bool:
    """Whether Delta's type widening turns a column of `old` into `new` (no value changes)."""
    integral = [ByteType(), ShortType(), IntegerType(), LongType()]
    if old in integral and new in integral:
        return integral.index(new) > integral.index(old)
    if isinstance(old, FloatType) and isinstance(new, DoubleType):
        return True
    if isinstance(old, DecimalType) and isinstance(new, DecimalType):
        return new.scale >= old.scale and new.precision - new.scale >= old.precision - old.scale
    return False


class Compaction:
    """Rewrites a table's small files into larger ones after every `every` writes the job made to
    it since it started, then vacuums it. Each micro-batch adds files to every table it writes;
    without this a reader opens ever more of them. Files at or above
    `spark.databricks.delta.optimize.minFileSize` (session.py) are never rewritten again, so a
    compaction costs at most that much per table. The files a compaction or a MERGE replaced stay
    in storage for `retain_hours` (time travel reads them), then the VACUUM after a later
    compaction deletes them."""

    def __init__(
        self,
        spark: SparkSession,
        every: int,
        log: logging.Logger | None = None,
        retain_hours: float = DELTA_RETAIN_HOURS,
    ):
        if every < 1:
            raise ValueError("compaction needs every >= 1")
        if retain_hours < 0:
            raise ValueError("retain_hours must be >= 0")
        self._spark = spark
        self._every = every
        self._retain_hours = retain_hours
        self._log = log or logging.getLogger("mdp_spark.sink")
        self._writes: dict[str, int] = {}
        if retain_hours < DELTA_RETAIN_HOURS:
            # Delta refuses a retention under its 7 days unless told: a reader of an older
            # version, or a second writer, could lose files. This job is each table's only
            # writer, and the shorter retention is asked for by flag.
            spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "false")

    def wrote(self, path: str) -> None:
        """One more write to the table at `path`; compacts and vacuums it on the `every`-th."""
        writes = self._writes.get(path, 0) + 1
        self._writes[path] = writes % self._every
        if writes < self._every:
            return
        table = DeltaTable.forPath(self._spark, path)
        metrics = table.optimize().executeCompaction().first()["metrics"]
        if metrics["numFilesRemoved"]:
            self._log.info(
                "table compacted",
                extra={
                    "path": path,
                    "files_removed": metrics["numFilesRemoved"],
                    "files_added": metrics["numFilesAdded"],
                },
            )
        table.vacuum(self._retain_hours)


def append_idempotent(
    tables: DeltaTables, df: DataFrame, path: str, app_id: str, version: int, properties: dict[str, str] | None = None
) -> None:
    """Append `df` once per (app_id, version): a second call with the same pair writes nothing."""
    df = tables.ensure(path, df, properties or {})
    (df.write.format("delta").mode("append").option("txnAppId", app_id).option("txnVersion", version).save(path))


def _unavailable(df: DataFrame) -> dict[str, F.Column]:
    """The placeholder as a literal of each source column that can hold it (text and bytes)."""
    out = {}
    for f in df.schema.fields:
        if f.name.startswith("_"):
            continue
        if isinstance(f.dataType, StringType):
            out[f.name] = F.lit(UNAVAILABLE_VALUE)
        elif isinstance(f.dataType, BinaryType):
            out[f.name] = F.lit(UNAVAILABLE_VALUE.encode())
    return out


def has_unavailable(df: DataFrame) -> F.Column:
    """An aggregate: true when some row of `df` holds Debezium's placeholder."""
    hits = [F.col(c) == marker for c, marker in _unavailable(df).items()]
    if not hits:
        return F.lit(False)
    any_hit = hits[0]
    for hit in hits[1:]:
        any_hit = any_hit | hit
    return F.coalesce(F.max(any_hit), F.lit(False))


def _fill_unavailable(rows: DataFrame, key_columns: list[str]) -> DataFrame:
    """Each placeholder → the newest real value of its key and column before it in the batch.

    A placeholder with no earlier change of its key in the batch stays for the MERGE,
    which keeps silver's value. A real NULL is a value: it travels inside a struct.
    """
    earlier = (
        Window.partitionBy(*key_columns)
        .orderBy(F.col("_lsn").asc_nulls_first(), F.col("_kafka_offset").asc())
        .rowsBetween(Window.unboundedPreceding, Window.currentRow)
    )
    for c, marker in _unavailable(rows).items():
        real = F.last(
            F.when(F.col(c).isNull() | (F.col(c) != marker), F.struct(F.col(c).alias("v"))), ignorenulls=True
        ).over(earlier)
        rows = rows.withColumn(c, F.when(real.isNull(), F.col(c)).otherwise(real.getField("v")))
    return rows


def newest_per_key(changes: DataFrame, key_columns: list[str]) -> DataFrame:
    order = Window.partitionBy(*key_columns).orderBy(F.col("_lsn").desc_nulls_last(), F.col("_kafka_offset").desc())
    return changes.withColumn("_rank", F.row_number().over(order)).where("_rank = 1").drop("_rank")


def merge_silver(
    tables: DeltaTables,
    changes: DataFrame,
    key_columns: list[str],
    path: str,
    deletes: DataFrame | None,
    unavailable: bool = False,
) -> None:
    """MERGE one batch of change rows into the current-state table at `path`.

    `deletes` (key columns + `_lsn`) are the deletes already known for this table
    (from bronze) that may outrank a change of the batch: a change older than a
    known delete of its key is dropped. `unavailable`: the batch holds Debezium's
    placeholder for unchanged TOASTed values (see has_unavailable).
    """
    rows = changes.where(F.col("_change_type").isin("insert", "update", "delete", "snapshot"))
    if unavailable:
        rows = _fill_unavailable(rows, key_columns)
    latest = newest_per_key(rows, key_columns).drop(
        "_kafka_topic", "_kafka_partition", "_kafka_timestamp", "_schema_id", "_snapshot"
    )
    if deletes is not None:
        dead = deletes.groupBy(*key_columns).agg(F.max("_lsn").alias("_deleted_lsn"))
        latest = (
            latest.join(dead, key_columns, "left")
            .where(F.col("_deleted_lsn").isNull() | (F.col("_lsn") >= F.col("_deleted_lsn")))
            .drop("_deleted_lsn")
        )
    latest = tables.ensure(path, latest.drop("_kafka_offset"), {})
    columns = latest.columns
    on = " AND ".join(f"t.{_quote(k)} = s.{_quote(k)}" for k in key_columns)
    # A snapshot row carries the LSN of the change before it in its topic (job.py): it is at
    # least as new as a change at that LSN, so equality applies it too.
    newer = "(t._lsn IS NULL OR s._lsn > t._lsn OR (s._change_type = 'snapshot' AND s._lsn = t._lsn))"
    updates: dict[str, str | F.Column] = {_quote(c): f"s.{_quote(c)}" for c in columns}
    inserts = dict(updates)
    if unavailable:
        for c, marker in _unavailable(latest).items():
            source = F.col(f"s.{_quote(c)}")
            updates[_quote(c)] = F.when(source == marker, F.col(f"t.{_quote(c)}")).otherwise(source)
            # No value known anywhere (silver lacks the row): NULL rather than the placeholder.
            inserts[_quote(c)] = F.when(source != marker, source)
    (
        DeltaTable.forPath(tables.spark, path)
        .alias("t")
        .merge(latest.alias("s"), on)
        .whenMatchedDelete(condition=f"s._change_type = 'delete' AND {newer}")
        .whenMatchedUpdate(condition=f"s._change_type <> 'delete' AND {newer}", set=updates)
        .whenNotMatchedInsert(condition="s._change_type <> 'delete'", values=inserts)
        .execute()
    )


def clear_silver_before(tables: DeltaTables, path: str, cleared_at: int) -> None:
    """A TRUNCATE, or a completed snapshot, at LSN `cleared_at`: every row of the table at `path`
    written before it goes."""
    if tables.schema(path) is not None:
        DeltaTable.forPath(tables.spark, path).delete(F.col("_lsn") < F.lit(cleared_at))
