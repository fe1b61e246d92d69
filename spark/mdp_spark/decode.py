"""Confluent-framed Avro → decoded envelopes, each record with its own writer schema.

Framing: byte 1 is the magic 0, bytes 2–5 the schema id (big endian), the rest
is Avro binary. Per micro-batch the distinct (topic, schema id) pairs are
collected, each writer schema is fetched once from the registry (cached), and
Spark's own `from_avro` decodes that group on `substring(value, 6)`. Records
written before and after a schema change carry different ids, so each decodes
with the schema it was written with. Tombstones (null values) are skipped.
Whatever cannot be decoded becomes a quarantine row naming topic, partition,
offset and the reason, and the rest of the batch goes on; so does a change
whose key cannot be read (its key schema unknown, its key bytes not framed),
which silver could not place. Only a record without a key (a TRUNCATE, a table
without a primary key) goes on keyless.
"""

import logging
from dataclasses import dataclass, field

from pyspark.errors import PySparkException
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.avro.functions import from_avro
from pyspark.sql.types import (BinaryType, IntegerType, LongType, StringType, StructField, StructType,
                               TimestampType)

from .errors import SchemaNotFoundError
from .registry import SchemaRegistry
from .transform import flatten, is_change_event, record_field_names, row_fields, table_of_topic

QUARANTINE_SCHEMA = StructType([
    StructField("topic", StringType()),
    StructField("partition", IntegerType()),
    StructField("offset", LongType()),
    StructField("kafka_timestamp", TimestampType()),
    StructField("schema_id", LongType()),
    StructField("error_code", StringType()),
    StructField("error", StringType()),
    StructField("key", BinaryType()),
    StructField("value", BinaryType()),
])


def _framed_id(column: str) -> F.Column:
    """Schema id of a Confluent-framed value, null when the bytes are not framed."""
    raw = F.col(column)
    framed = (F.length(raw) >= 5) & (F.hex(F.substring(raw, 1, 1)) == F.lit("00"))
    return F.when(framed, F.conv(F.hex(F.substring(raw, 2, 4)), 16, 10).cast("long"))


@dataclass
class TableChanges:
    table: str
    key_columns: list[str]
    changes: DataFrame
    # The table's columns as its newest record in the batch has them (row columns, then
    # derived ones): what silver holds after a DDL. `derived`: the derived ones' names.
    source_columns: StructType = field(default_factory=StructType)
    derived: list[str] = field(default_factory=list)


@dataclass
class DecodedBatch:
    tables: dict[str, TableChanges] = field(default_factory=dict)
    quarantine: list[DataFrame] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _quarantine(rows: DataFrame, code: str, message: F.Column) -> DataFrame:
    return rows.select(
        F.col("topic"), F.col("partition"), F.col("offset"), F.col("timestamp").alias("kafka_timestamp"),
        F.col("_schema_id").alias("schema_id"), F.lit(code).alias("error_code"), message.alias("error"),
        F.col("key"), F.col("value"),
    )


def decode_batch(raw: DataFrame, registry: SchemaRegistry, logger: logging.Logger | None = None) -> DecodedBatch:
    """`raw` has the Kafka source's columns (topic, partition, offset, timestamp, key, value)."""
    log = logger or logging.getLogger("mdp_spark.decode")
    framed = raw.where(F.col("value").isNotNull()).select(
        "topic", "partition", "offset", "timestamp", "key", "value",
        _framed_id("value").alias("_schema_id"), _framed_id("key").alias("_key_schema_id"),
    )
    out = DecodedBatch()
    groups = (framed.groupBy("topic", "_schema_id", "_key_schema_id")
              .agg(F.count("*").alias("count"), F.max("offset").alias("newest_offset")).collect())
    per_table: dict[str, list[DataFrame]] = {}
    keys: dict[str, list[str]] = {}
    key_offsets: dict[str, int] = {}
    # per table: (offset, source columns, derived names) of the group holding its newest record
    newest: dict[str, tuple[int, StructType, list[str]]] = {}
    for group in groups:
        topic, schema_id, key_schema_id, count = group["topic"], group["_schema_id"], group["_key_schema_id"], group["count"]
        out.counts[topic] = out.counts.get(topic, 0) + count
        rows = framed.where(F.col("topic") == topic)
        if schema_id is None:
            out.quarantine.append(_quarantine(
                rows.where(F.col("_schema_id").isNull()), "NOT_FRAMED",
                F.lit("value is not Confluent-framed Avro (no magic byte 0 + 4-byte schema id)")))
            continue
        rows = rows.where(F.col("_schema_id") == schema_id)
        if key_schema_id is None:
            rows = rows.where(F.col("_key_schema_id").isNull())
            out.quarantine.append(_quarantine(
                rows.where(F.col("key").isNotNull()), "KEY_NOT_FRAMED",
                F.lit("key is not Confluent-framed Avro (no magic byte 0 + 4-byte schema id)")))
            rows = rows.where(F.col("key").isNull())
        else:
            rows = rows.where(F.col("_key_schema_id") == key_schema_id)
            try:
                key_columns = record_field_names(registry.schema(key_schema_id))
            except SchemaNotFoundError as err:
                log.error("key schema id not found, records quarantined",
                          extra={"topic": topic, "schema_id": key_schema_id, "records": count})
                out.quarantine.append(_quarantine(rows, "KEY_SCHEMA_NOT_FOUND", F.lit(str(err))))
                continue
        try:
            schema_json = registry.schema(schema_id)
        except SchemaNotFoundError as err:
            log.error("schema id not found, records quarantined", extra={"topic": topic, "schema_id": schema_id, "records": count})
            out.quarantine.append(_quarantine(rows, err.code, F.lit(str(err))))
            continue
        if not is_change_event(schema_json):
            out.quarantine.append(_quarantine(rows, "NOT_A_CHANGE_EVENT", F.lit(
                f"schema id {schema_id} is not a Debezium change event (no op/source/before/after)")))
            continue
        table = table_of_topic(topic)
        # A TRUNCATE has no Kafka key: the table's key columns come from its newest keyed records
        # (a key column renamed at the source renames the key)
        if key_schema_id is not None and group["newest_offset"] > key_offsets.get(table, -1):
            keys[table], key_offsets[table] = key_columns, group["newest_offset"]
        try:
            decoded = rows.withColumn(
                "env", from_avro(F.expr("substring(value, 6)"), schema_json, {"mode": "PERMISSIVE"}))
            good = decoded.where(F.col("env.op").isNotNull())
            bad = decoded.where(F.col("env.op").isNull())
            changes = flatten(good.select(
                F.col("topic").alias("_kafka_topic"), F.col("partition").alias("_kafka_partition"),
                F.col("offset").alias("_kafka_offset"), F.col("timestamp").alias("_kafka_timestamp"),
                F.col("_schema_id"), F.col("env")), schema_json)
        except PySparkException as err:  # Spark rejects the schema itself: quarantine the group, say why
            reason = str(err).splitlines()[0][:500]
            log.error("writer schema unusable, records quarantined", extra={
                "topic": topic, "schema_id": schema_id, "records": count, "err": reason})
            out.quarantine.append(_quarantine(rows, "SCHEMA_UNUSABLE", F.lit(
                f"writer schema id {schema_id} cannot be used by Spark: {reason}")))
            continue
        out.quarantine.append(_quarantine(bad, "UNDECODABLE", F.lit(
            f"Avro payload does not decode with its writer schema id {schema_id}")))
        per_table.setdefault(table, []).append(changes)
        if table not in newest or group["newest_offset"] > newest[table][0]:
            row_names = {name for name, _ in row_fields(schema_json)}
            source = StructType([f for f in changes.schema.fields if not f.name.startswith("_")])
            newest[table] = (group["newest_offset"], source,
                             [f.name for f in source.fields if f.name not in row_names])
    for table, frames in per_table.items():
        merged = frames[0]
        for frame in frames[1:]:
            merged = merged.unionByName(frame, allowMissingColumns=True)
        _, source, derived = newest[table]
        out.tables[table] = TableChanges(table=table, key_columns=keys.get(table, []), changes=merged,
                                         source_columns=source, derived=derived)
    return out
