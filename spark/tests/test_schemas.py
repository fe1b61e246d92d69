"""Reading Debezium's Avro schemas (pure Python, no Spark)."""

import json

from debezium import KEY_SCHEMA, envelope_schema
from mdp_spark.transform import is_change_event, record_field_names, row_fields


def test_row_fields_follow_the_row_record_that_after_names_by_reference():
    # Avro defines the row record once, in `before`; `after` only names it, as Debezium writes it.
    schema = envelope_schema(extra_columns=True)
    assert schema["fields"][1]["type"] == ["null", "mdp.public.orders.Value"]
    fields = dict(row_fields(json.dumps(schema)))
    assert list(fields)[:3] == ["id", "customer_id", "quantity"] and "note" in fields
    assert fields["unit_price"]["logicalType"] == "decimal"
    assert fields["placed_at"]["connect.name"] == "io.debezium.time.MicroTimestamp"
    # a short name in the envelope's namespace resolves too; so does a delete-only schema
    schema["fields"][1]["type"] = ["null", "Value"]
    assert dict(row_fields(json.dumps(schema))).keys() == fields.keys()
    only_before = {**schema, "fields": [f for f in schema["fields"] if f["name"] != "after"]}
    assert dict(row_fields(json.dumps(only_before))).keys() == fields.keys()


def test_change_event_and_key_schemas_are_told_apart():
    assert is_change_event(json.dumps(envelope_schema()))
    assert not is_change_event(json.dumps(KEY_SCHEMA))
    assert record_field_names(json.dumps(KEY_SCHEMA)) == ["id"]
