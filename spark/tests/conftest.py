"""One local SparkSession (with the Delta and Avro jars) and one registry for the whole suite."""

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from mdp_spark.session import create_session  # noqa: E402


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    jars_dir = os.environ.get("MDP_SPARK_JARS_DIR")
    if not jars_dir:
        pytest.fail("MDP_SPARK_JARS_DIR is not set: run the tests with spark/bin/test.sh")
    warehouse = tmp_path_factory.mktemp("warehouse")
    session = create_session(
        "mdp-spark-tests",
        jars_dir,
        extra={
            "spark.sql.warehouse.dir": str(warehouse),
            "spark.sql.adaptive.enabled": "false",
            # tiny batches: compiling generated code costs more than it saves
            "spark.sql.codegen.wholeStage": "false",
        },
    )
    yield session
    session.stop()


class SchemaStore:
    """A real HTTP server on loopback answering the Confluent-compatible `/schemas/ids/<id>` and `/subjects`."""

    def __init__(self):
        self.schemas: dict[int, str] = {}
        store = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                prefix = "/apis/ccompat/v7/schemas/ids/"
                schema_id = self.path[len(prefix) :] if self.path.startswith(prefix) else ""
                if schema_id.isdigit() and int(schema_id) in store.schemas:
                    body = json.dumps({"schema": store.schemas[int(schema_id)]}).encode()
                    self.send_response(200)
                elif self.path == "/apis/ccompat/v7/subjects":
                    body = json.dumps([f"subject-{i}" for i in sorted(store.schemas)]).encode()
                    self.send_response(200)
                else:
                    body = json.dumps({"error_code": 40403, "message": "Schema not found"}).encode()
                    self.send_response(404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/apis/ccompat/v7"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def register(self, schema_id: int, schema: dict) -> None:
        self.schemas[schema_id] = json.dumps(schema)


@pytest.fixture(scope="session")
def schema_store():
    store = SchemaStore()
    yield store
    store.server.shutdown()
