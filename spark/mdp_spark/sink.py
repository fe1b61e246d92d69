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
"""

import logging

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

TABLE_PROPERTIES = {"delta.enableDeletionVectors": "false"}


def _exists(spark: SparkSession, path: str) -> bool:
    return DeltaTable.isDeltaTable(spark, path)


def _create(spark: SparkSession, path: str, schema, properties: dict[str, str]) -> None:
    builder = DeltaTable.createIfNotExists(spark).location(path).addColumns(schema)
    for key, value in {**TABLE_PROPERTIES, **properties}.items():
        builder = builder.property(key, value)
    builder.execute()


def _quote(name: str) -> str:
    if name.replace("_", "a").isalnum() and not name[0].isdigit():
        return name
    return "`" + name.replace("`", "``") + "`"


def _evolve(spark: SparkSession, path: str, df: DataFrame, log: logging.Logger) -> None:
    """New nullable columns of the source (a column added in PostgreSQL) are added to the table."""
    existing = set(DeltaTable.forPath(spark, path).toDF().columns)
    added = [f for f in df.schema.fields if f.name not in existing]
    if added:
        ddl = ", ".join(f"{_quote(f.name)} {f.dataType.simpleString()}" for f in added)
        spark.sql(f"ALTER TABLE delta.{_quote(path)} ADD COLUMNS ({ddl})")
        log.info("table schema evolved", extra={"path": path, "added": [f.name for f in added]})


def _align(spark: SparkSession, path: str, df: DataFrame, log: logging.Logger | None = None) -> DataFrame:
    """Casts columns whose type changed at the source to the table's type.

    The registry refuses an incompatible change (BACKWARD); a change it was told
    to accept (the documented recovery) must not stop the job: the table keeps
    its schema, values are cast (a value that cannot be cast fails the batch
    loudly, ANSI mode).
    """
    table_types = {f.name: f.dataType for f in DeltaTable.forPath(spark, path).toDF().schema.fields}
    changed = [f.name for f in df.schema.fields if f.name in table_types and f.dataType != table_types[f.name]]
    if not changed:
        return df
    if log:
        log.warning("column types changed at the source: cast to the table's types",
                    extra={"path": path, "columns": {c: table_types[c].simpleString() for c in changed}})
    return df.select(*[df[c].cast(table_types[c]).alias(c) if c in changed else df[c] for c in df.columns])


def append_idempotent(spark: SparkSession, df: DataFrame, path: str, app_id: str, version: int,
                      properties: dict[str, str] | None = None) -> None:
    """Append `df` once per (app_id, version): a second call with the same pair writes nothing."""
    if not _exists(spark, path):
        _create(spark, path, df.schema, properties or {})
    df = _align(spark, path, df)
    (df.write.format("delta").mode("append")
       .option("txnAppId", app_id).option("txnVersion", version)
       .option("mergeSchema", "true")
       .save(path))


def newest_per_key(changes: DataFrame, key_columns: list[str]) -> DataFrame:
    order = Window.partitionBy(*key_columns).orderBy(F.col("_lsn").desc_nulls_last(), F.col("_kafka_offset").desc())
    return changes.withColumn("_rank", F.row_number().over(order)).where("_rank = 1").drop("_rank")


def merge_silver(spark: SparkSession, changes: DataFrame, key_columns: list[str], path: str,
                 deletes: DataFrame | None, log: logging.Logger) -> None:
    """MERGE one batch of change rows into the current-state table at `path`.

    `deletes` (key columns + `_lsn`) are the deletes already known for this table
    (from bronze); a change older than a known delete of its key is dropped.
    """
    rows = changes.where(F.col("_change_type").isin("insert", "update", "delete", "snapshot"))
    latest = newest_per_key(rows, key_columns).drop("_kafka_topic", "_kafka_partition", "_kafka_timestamp", "_schema_id")
    if deletes is not None:
        dead = deletes.groupBy(*key_columns).agg(F.max("_lsn").alias("_deleted_lsn"))
        latest = (latest.join(dead, key_columns, "left")
                  .where(F.col("_deleted_lsn").isNull() | (F.col("_lsn") >= F.col("_deleted_lsn")))
                  .drop("_deleted_lsn"))
    if not _exists(spark, path):
        _create(spark, path, latest.drop("_kafka_offset").schema, {})
    _evolve(spark, path, latest.drop("_kafka_offset"), log)
    latest = _align(spark, path, latest, log)
    columns = [c for c in latest.columns if c != "_kafka_offset"]
    on = " AND ".join(f"t.{_quote(k)} = s.{_quote(k)}" for k in key_columns)
    newer = "(t._lsn IS NULL OR s._lsn > t._lsn)"
    values = {_quote(c): f"s.{_quote(c)}" for c in columns}
    (DeltaTable.forPath(spark, path).alias("t")
        .merge(latest.alias("s"), on)
        .whenMatchedDelete(condition=f"s._change_type = 'delete' AND {newer}")
        .whenMatchedUpdate(condition=f"s._change_type <> 'delete' AND {newer}", set=values)
        .whenNotMatchedInsert(condition="s._change_type <> 'delete'", values=values)
        .execute())
    truncates = changes.where(F.col("_change_type") == "truncate").agg(F.max("_lsn")).first()[0]
    if truncates is not None:
        DeltaTable.forPath(spark, path).delete(F.col("_lsn") < F.lit(truncates))
