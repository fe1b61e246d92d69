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

An unchanged TOASTed value of a table whose replica identity is not FULL comes
as Debezium's placeholder (UNAVAILABLE_VALUE): bronze keeps the event as sent,
silver keeps the value the row had (from an earlier change of the batch, else
from silver itself), never the placeholder.
"""

import logging

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import BinaryType, StringType, StructType

TABLE_PROPERTIES = {"delta.enableDeletionVectors": "false"}
# Debezium's unavailable.value.placeholder (pinned in infra/connect/mdp-postgres.json).
UNAVAILABLE_VALUE = "__debezium_unavailable_value"


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

    @property
    def spark(self) -> SparkSession:
        return self._spark

    def schema(self, path: str) -> StructType | None:
        if path not in self._schemas:
            exists = DeltaTable.isDeltaTable(self._spark, path)
            self._schemas[path] = DeltaTable.forPath(self._spark, path).toDF().schema if exists else None
        return self._schemas[path]

    def ensure(self, path: str, df: DataFrame, properties: dict[str, str]) -> DataFrame:
        """Creates the table for `df`, or adds `df`'s new columns to it; returns `df` in the table's types."""
        schema = self.schema(path)
        if schema is None:
            builder = DeltaTable.createIfNotExists(self._spark).location(path).addColumns(df.schema)
            for key, value in {**TABLE_PROPERTIES, **properties}.items():
                builder = builder.property(key, value)
            builder.execute()
            self._schemas[path] = df.schema
            return df
        added = [f for f in df.schema.fields if f.name not in schema.fieldNames()]
        if added:  # a nullable column added in PostgreSQL
            ddl = ", ".join(f"{_quote(f.name)} {f.dataType.simpleString()}" for f in added)
            self._spark.sql(f"ALTER TABLE delta.{_quote(path)} ADD COLUMNS ({ddl})")
            self._schemas[path] = StructType(schema.fields + added)
            self._log.info("table schema evolved", extra={"path": path, "added": [f.name for f in added]})
        return self._align(path, df)

    def _align(self, path: str, df: DataFrame) -> DataFrame:
        """Casts columns whose type changed at the source to the table's type.

        The registry refuses an incompatible change (BACKWARD); a change it was
        told to accept (the documented recovery) must not stop the job: the table
        keeps its schema and values are cast (one that cannot be cast fails the
        batch loudly, ANSI mode).
        """
        types = {f.name: f.dataType for f in self._schemas[path].fields}
        changed = [f.name for f in df.schema.fields if f.name in types and f.dataType != types[f.name]]
        if not changed:
            return df
        self._log.warning("column types changed at the source: cast to the table's types",
                          extra={"path": path, "columns": {c: types[c].simpleString() for c in changed}})
        return df.select(*[df[c].cast(types[c]).alias(c) if c in changed else df[c] for c in df.columns])


def append_idempotent(tables: DeltaTables, df: DataFrame, path: str, app_id: str, version: int,
                      properties: dict[str, str] | None = None) -> None:
    """Append `df` once per (app_id, version): a second call with the same pair writes nothing."""
    df = tables.ensure(path, df, properties or {})
    (df.write.format("delta").mode("append")
       .option("txnAppId", app_id).option("txnVersion", version)
       .save(path))


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
    earlier = (Window.partitionBy(*key_columns)
               .orderBy(F.col("_lsn").asc_nulls_first(), F.col("_kafka_offset").asc())
               .rowsBetween(Window.unboundedPreceding, Window.currentRow))
    for c, marker in _unavailable(rows).items():
        real = F.last(F.when(F.col(c).isNull() | (F.col(c) != marker), F.struct(F.col(c).alias("v"))),
                      ignorenulls=True).over(earlier)
        rows = rows.withColumn(c, F.when(real.isNull(), F.col(c)).otherwise(real.getField("v")))
    return rows


def newest_per_key(changes: DataFrame, key_columns: list[str]) -> DataFrame:
    order = Window.partitionBy(*key_columns).orderBy(F.col("_lsn").desc_nulls_last(), F.col("_kafka_offset").desc())
    return changes.withColumn("_rank", F.row_number().over(order)).where("_rank = 1").drop("_rank")


def merge_silver(tables: DeltaTables, changes: DataFrame, key_columns: list[str], path: str,
                 deletes: DataFrame | None, unavailable: bool = False) -> None:
    """MERGE one batch of change rows into the current-state table at `path`.

    `deletes` (key columns + `_lsn`) are the deletes already known for this table
    (from bronze) that may outrank a change of the batch: a change older than a
    known delete of its key is dropped. `unavailable`: the batch holds Debezium's
    placeholder for unchanged TOASTed values (see has_unavailable).
    """
    rows = changes.where(F.col("_change_type").isin("insert", "update", "delete", "snapshot"))
    if unavailable:
        rows = _fill_unavailable(rows, key_columns)
    latest = newest_per_key(rows, key_columns).drop("_kafka_topic", "_kafka_partition", "_kafka_timestamp", "_schema_id")
    if deletes is not None:
        dead = deletes.groupBy(*key_columns).agg(F.max("_lsn").alias("_deleted_lsn"))
        latest = (latest.join(dead, key_columns, "left")
                  .where(F.col("_deleted_lsn").isNull() | (F.col("_lsn") >= F.col("_deleted_lsn")))
                  .drop("_deleted_lsn"))
    latest = tables.ensure(path, latest.drop("_kafka_offset"), {})
    columns = latest.columns
    on = " AND ".join(f"t.{_quote(k)} = s.{_quote(k)}" for k in key_columns)
    newer = "(t._lsn IS NULL OR s._lsn > t._lsn)"
    updates: dict[str, str | F.Column] = {_quote(c): f"s.{_quote(c)}" for c in columns}
    inserts = dict(updates)
    if unavailable:
        for c, marker in _unavailable(latest).items():
            source = F.col(f"s.{_quote(c)}")
            updates[_quote(c)] = F.when(source == marker, F.col(f"t.{_quote(c)}")).otherwise(source)
            # No value known anywhere (silver lacks the row): NULL rather than the placeholder.
            inserts[_quote(c)] = F.when(source != marker, source)
    (DeltaTable.forPath(tables.spark, path).alias("t")
        .merge(latest.alias("s"), on)
        .whenMatchedDelete(condition=f"s._change_type = 'delete' AND {newer}")
        .whenMatchedUpdate(condition=f"s._change_type <> 'delete' AND {newer}", set=updates)
        .whenNotMatchedInsert(condition="s._change_type <> 'delete'", values=inserts)
        .execute())


def truncate_silver(tables: DeltaTables, path: str, truncated_at: int) -> None:
    """A TRUNCATE at LSN `truncated_at`: every row of the table at `path` written before it goes."""
    if tables.schema(path) is not None:
        DeltaTable.forPath(tables.spark, path).delete(F.col("_lsn") < F.lit(truncated_at))
