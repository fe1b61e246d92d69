"""The job as a service: its configuration, and the checks that make it exit at once (or after the
wait it was given), naming the service, when Kafka, the registry or MinIO does not answer. No Spark
session: these run in seconds."""

import json
import os
import socket
import subprocess
import sys
import threading

import pytest
from mdp_spark.config import load_config
from mdp_spark.errors import ConfigError, ServiceUnavailableError
from mdp_spark.preflight import check_bucket, check_kafka, check_registry

SPARK_DIR = os.path.join(os.path.dirname(__file__), "..")


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def talker():
    """A loopback TCP server that answers anything with `reply` (not Kafka, though it listens)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    state = {"reply": b""}

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.recv(1024)
                conn.sendall(state["reply"])

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[1], state
    server.close()


def test_config_lists_every_missing_setting():
    with pytest.raises(ConfigError) as err:
        load_config(
            {
                "KAFKA_BROKERS": "127.0.0.1:1",
                "S3_ENDPOINT": "minio:9000",
                "MDP_SPARK_UI_PORT": "x",
                "MDP_LAKE_RETAIN_HOURS": "-1",
                "MDP_SPARK_DRIVER_MEMORY": "2 GB",
                "MDP_SPARK_MASTER": "yarn",
                "MDP_SPARK_HOST": "spark driver",
            }
        )
    assert err.value.code == "CONFIG_INVALID"
    for name in (
        "SCHEMA_REGISTRY_URL",
        "S3_ACCESS_KEY",
        "S3_SECRET_KEY",
        "S3_BUCKET",
        "S3_ENDPOINT",
        "MDP_SPARK_UI_PORT",
        "MDP_LAKE_RETAIN_HOURS",
        "MDP_SPARK_DRIVER_MEMORY",
        "MDP_SPARK_MASTER",
        "MDP_SPARK_HOST",
    ):
        assert name in str(err.value)
    env = {
        "KAFKA_BROKERS": "b:1",
        "SCHEMA_REGISTRY_URL": "http://r/",
        "S3_ENDPOINT": "http://s",
        "S3_ACCESS_KEY": "a",
        "S3_SECRET_KEY": "s",
        "S3_BUCKET": "lake",
        "MDP_PORT_OFFSET": "500",
    }
    config = load_config(env)
    assert config.ui_port == 14540 and config.lake_root == "s3a://lake" and config.schema_registry_url == "http://r"
    assert load_config({**env, "MDP_SPARK_UI_PORT": "15000"}).ui_port == 15000
    assert config.lake_retain_hours == 1
    assert load_config({**env, "MDP_LAKE_RETAIN_HOURS": "0.25"}).lake_retain_hours == 0.25
    with pytest.raises(ConfigError, match="MDP_LAKE_RETAIN_HOURS"):
        load_config({**env, "MDP_LAKE_RETAIN_HOURS": "a day"})
    assert config.driver_memory == "1g"
    assert load_config({**env, "MDP_SPARK_DRIVER_MEMORY": "1536m"}).driver_memory == "1536m"
    assert config.master == "local[2]"
    assert load_config({**env, "MDP_SPARK_MASTER": "spark://127.0.0.1:17077"}).master == "spark://127.0.0.1:17077"
    assert config.host == "127.0.0.1" and load_config({**env, "MDP_SPARK_HOST": "spark"}).host == "spark"
    assert config.kafka_login == {}
    login = load_config({**env, "KAFKA_USER": "mdp-spark", "KAFKA_PASSWORD": "pw"}).kafka_login
    assert login["security.protocol"] == "SASL_PLAINTEXT" and login["sasl.mechanism"] == "SCRAM-SHA-512"
    assert 'username="mdp-spark" password="pw";' in login["sasl.jaas.config"]
    with pytest.raises(ConfigError, match="set both or neither"):
        load_config({**env, "KAFKA_USER": "mdp-spark"})
    with pytest.raises(ConfigError, match="double quote"):
        load_config({**env, "KAFKA_USER": "u", "KAFKA_PASSWORD": 'p"w'})


def test_kafka_check_names_kafka_when_nothing_listens_or_something_else_answers(talker):
    port, state = talker
    with pytest.raises(ServiceUnavailableError) as down:
        check_kafka(f"127.0.0.1:{closed_port()}", timeout=2)
    assert down.value.code == "SERVICE_UNAVAILABLE" and down.value.service == "kafka" and down.value.retriable
    state["reply"] = b"HTTP/1.1 400 Bad Request\r\n\r\n"
    with pytest.raises(ServiceUnavailableError) as other:
        check_kafka(f"127.0.0.1:{port}", timeout=2)
    assert other.value.service == "kafka"
    with pytest.raises(ServiceUnavailableError) as bad:
        check_kafka("no-port-here", timeout=2)
    assert bad.value.service == "kafka"


def test_kafka_check_passes_on_an_api_versions_answer(talker):
    """The bytes a broker sends back to ApiVersions v0 (correlation id echoed, error code 0)."""
    port, state = talker
    body = (0x6D6470).to_bytes(4, "big") + (0).to_bytes(2, "big") + (0).to_bytes(4, "big")
    state["reply"] = len(body).to_bytes(4, "big") + body
    check_kafka(f"127.0.0.1:{closed_port()},127.0.0.1:{port}", timeout=2)  # the first broker down, the second answers
    error = (0x6D6470).to_bytes(4, "big") + (35).to_bytes(2, "big")
    state["reply"] = len(error).to_bytes(4, "big") + error
    with pytest.raises(ServiceUnavailableError):
        check_kafka(f"127.0.0.1:{port}", timeout=2)


def test_registry_check_wants_the_confluent_compatible_base(schema_store):
    check_registry(schema_store.url)
    with pytest.raises(ServiceUnavailableError) as wrong:
        check_registry(schema_store.url.replace("/apis/ccompat/v7", "/apis/registry/v3"))
    assert wrong.value.service == "schema-registry" and "ccompat" in str(wrong.value)
    with pytest.raises(ServiceUnavailableError) as down:
        check_registry(f"http://127.0.0.1:{closed_port()}/apis/ccompat/v7", timeout=2)
    assert down.value.service == "schema-registry"


def test_bucket_check_names_minio_when_it_does_not_answer():
    with pytest.raises(ServiceUnavailableError) as down:
        check_bucket(f"http://127.0.0.1:{closed_port()}", "key", "secret-key", "lakehouse", timeout=2)
    assert down.value.service == "minio" and "lakehouse" in str(down.value)


def run_main(env_overrides: dict[str, str], *args: str) -> tuple[int, list[dict]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAFKA_", "SCHEMA_", "S3_"))}
    env.update(env_overrides)
    done = subprocess.run(
        [sys.executable, "-m", "mdp_spark.main", *args],
        cwd=SPARK_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def test_job_exits_at_once_naming_the_unreachable_service(schema_store, tmp_path):
    ready = tmp_path / "ready"
    ready.write_text("stale")
    env = {
        "KAFKA_BROKERS": f"127.0.0.1:{closed_port()}",
        "SCHEMA_REGISTRY_URL": schema_store.url,
        "S3_ENDPOINT": f"http://127.0.0.1:{closed_port()}",
        "S3_ACCESS_KEY": "k",
        "S3_SECRET_KEY": "secret-key",
        "S3_BUCKET": "lakehouse",
    }
    code, lines = run_main(env, "--ready-file", str(ready))
    assert code == 3
    assert (
        lines[-1]["level"] == "error" and lines[-1]["service"] == "kafka" and lines[-1]["code"] == "SERVICE_UNAVAILABLE"
    )
    assert not ready.exists()  # a ready file left by an earlier run is gone
    code, lines = run_main({k: v for k, v in env.items() if k != "S3_BUCKET"})
    assert code == 2 and lines[-1]["code"] == "CONFIG_INVALID" and "S3_BUCKET" in lines[-1]["msg"]


def test_job_told_to_wait_rechecks_until_its_services_answer(talker, schema_store):
    """Kafka answers only after a while: the job waits for it, then for MinIO (never up here),
    and gives up naming MinIO once its wait is over."""
    port, state = talker
    api_versions = (0x6D6470).to_bytes(4, "big") + (0).to_bytes(2, "big") + (0).to_bytes(4, "big")
    kafka_up = threading.Timer(2.0, lambda: state.update(reply=len(api_versions).to_bytes(4, "big") + api_versions))
    kafka_up.start()
    env = {
        "KAFKA_BROKERS": f"127.0.0.1:{port}",
        "SCHEMA_REGISTRY_URL": schema_store.url,
        "S3_ENDPOINT": f"http://127.0.0.1:{closed_port()}",
        "S3_ACCESS_KEY": "k",
        "S3_SECRET_KEY": "secret-key",
        "S3_BUCKET": "lakehouse",
    }
    try:
        code, lines = run_main(env, "--wait-for-services", "8")
    finally:
        kafka_up.cancel()
    waits = [line["service"] for line in lines if line["msg"].startswith("waiting for")]
    assert waits == ["kafka", "minio"]
    assert code == 3 and lines[-1]["service"] == "minio" and lines[-1]["msg"].startswith("cannot start")
