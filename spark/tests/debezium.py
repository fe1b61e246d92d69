"""Debezium-shaped Avro schemas and Confluent-framed records, encoded for real with fastavro."""

import io
import struct
from datetime import UTC, datetime
from decimal import Decimal

import fastavro

TOPIC = "mdp.public.orders"


def _row_schema(extra_columns: bool, altered: bool = False, key_renamed: bool = False) -> dict:
    fields = [
        {"name": "id", "type": "int"},
        {"name": "customer_id", "type": "int"},
        {"name": "quantity", "type": "int"},
        {
            "name": "unit_price",
            "type": {
                "type": "bytes",
                "scale": 2,
                "precision": 10,
                "connect.version": 1,
                "connect.parameters": {"scale": "2", "connect.decimal.precision": "10"},
                "connect.name": "org.apache.kafka.connect.data.Decimal",
                "logicalType": "decimal",
            },
        },
        {"name": "status", "type": "string"},
        {
            "name": "ship_date",
            "type": ["null", {"type": "int", "connect.version": 1, "connect.name": "io.debezium.time.Date"}],
            "default": None,
        },
        {
            "name": "placed_at",
            "type": {"type": "long", "connect.version": 1, "connect.name": "io.debezium.time.MicroTimestamp"},
        },
        {
            "name": "updated_at",
            "type": {"type": "string", "connect.version": 1, "connect.name": "io.debezium.time.ZonedTimestamp"},
        },
        {"name": "big", "type": "long"},
    ]
    if extra_columns:
        fields.append({"name": "note", "type": ["null", "string"], "default": None})
    if altered:  # DROP COLUMN status, RENAME customer_id TO client_id, quantity int -> bigint
        fields = [f for f in fields if f["name"] != "status"]
        fields[1] = {"name": "client_id", "type": "int"}
        fields[2] = {"name": "quantity", "type": "long"}
    if key_renamed:  # RENAME COLUMN id TO order_no (the primary key)
        fields[0] = {"name": "order_no", "type": "int"}
    return {
        "type": "record",
        "name": "Value",
        "namespace": "mdp.public.orders",
        "fields": fields,
        "connect.name": "mdp.public.orders.Value",
    }


def envelope_schema(extra_columns: bool = False, altered: bool = False, key_renamed: bool = False) -> dict:
    row = _row_schema(extra_columns, altered, key_renamed)
    source = {
        "type": "record",
        "name": "Source",
        "namespace": "io.debezium.connector.postgresql",
        "fields": [
            {"name": "version", "type": "string"},
            {"name": "connector", "type": "string"},
            {"name": "name", "type": "string"},
            {"name": "ts_ms", "type": "long"},
            {"name": "db", "type": "string"},
            {"name": "ts_us", "type": ["null", "long"], "default": None},
            {"name": "ts_ns", "type": ["null", "long"], "default": None},
            {"name": "schema", "type": "string"},
            {"name": "table", "type": "string"},
            {"name": "txId", "type": ["null", "long"], "default": None},
            {"name": "lsn", "type": ["null", "long"], "default": None},
            {
                "name": "snapshot",
                "type": [{"type": "string", "connect.name": "io.debezium.data.Enum"}, "null"],
                "default": "false",
            },
        ],
    }
    return {
        "type": "record",
        "name": "Envelope",
        "namespace": "mdp.public.orders",
        "fields": [
            {"name": "before", "type": ["null", row], "default": None},
            {"name": "after", "type": ["null", "mdp.public.orders.Value"], "default": None},
            {"name": "source", "type": source},
            {"name": "op", "type": "string"},
            {"name": "ts_ms", "type": ["null", "long"], "default": None},
        ],
        "connect.name": "mdp.public.orders.Envelope",
    }


KEY_SCHEMA = {
    "type": "record",
    "name": "Key",
    "namespace": "mdp.public.orders",
    "fields": [{"name": "id", "type": "int"}],
}
RENAMED_KEY_SCHEMA = {
    "type": "record",
    "name": "Key",
    "namespace": "mdp.public.orders",
    "fields": [{"name": "order_no", "type": "int"}],
}


def frame(schema_id: int, schema: dict, record: dict) -> bytes:
    out = io.BytesIO()
    fastavro.schemaless_writer(out, fastavro.parse_schema(schema), record)
    return b"\x00" + struct.pack(">I", schema_id) + out.getvalue()


def order(
    order_id: int,
    *,
    status: str = "placed",
    quantity: int = 3,
    unit_price: str = "12.34",
    updated_at: str = "2026-11-24T14:26:07.123456Z",
    note: str | None = None,
    extra: bool = False,
) -> dict:
    row = {
        "id": order_id,
        "customer_id": 7,
        "quantity": quantity,
        "unit_price": Decimal(unit_price),
        "status": status,
        "ship_date": 20_000,
        "placed_at": 1_764_000_000_123_456,
        "updated_at": updated_at,
        "big": 2**62 + 1,
    }
    if extra:
        row["note"] = note
    return row


def altered_order(order_id: int, *, quantity: int = 3) -> dict:
    """A row of `orders` after the DDL of `envelope_schema(altered=True)`."""
    row = order(order_id, quantity=quantity)
    del row["status"]
    row["client_id"] = row.pop("customer_id")
    return row


def event(
    op: str,
    lsn: int | None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    tx_id: int | None = 900,
    snapshot: str | None = None,
) -> dict:
    """`snapshot`: Debezium's source.snapshot; by default "false" for a streamed change, and for a
    snapshot row "incremental" without an LSN, else "true" (inside a blocking snapshot)."""
    if snapshot is None:
        snapshot = "false" if op != "r" else ("incremental" if lsn is None else "true")
    commit = datetime(2026, 11, 24, 14, 26, 7, 654321, tzinfo=UTC)
    ts_us = int(commit.timestamp()) * 1_000_000 + commit.microsecond
    return {
        "before": before,
        "after": after,
        "op": op,
        "ts_ms": ts_us // 1000,
        "source": {
            "version": "3.7.0.Final",
            "connector": "postgresql",
            "name": "mdp",
            "ts_ms": ts_us // 1000,
            "db": "mdp",
            "ts_us": ts_us,
            "ts_ns": ts_us * 1000,
            "schema": "public",
            "table": "orders",
            "txId": tx_id,
            "lsn": lsn,
            "snapshot": snapshot,
        },
    }
