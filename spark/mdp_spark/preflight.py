"""Checks, before Spark starts, that each service the job needs answers as that service.

A job started while Kafka, the registry or MinIO is down would otherwise hang in
Spark's own retries or fail deep in a micro-batch; these checks make it exit at
once (or after waiting as long as it was told to) with the service named (kafka,
schema-registry, minio), the address tried and what to do next. Each check is a real request of the service's protocol:
Kafka's ApiVersions, the registry's `GET /subjects`, S3's HEAD of the bucket
with the job's keys (so a wrong key or a missing bucket is caught too).
"""

import json
import socket
import struct
import time
import urllib.error
import urllib.request

from .config import Config, load_config
from .errors import MdpSparkError, ServiceUnavailableError

_API_VERSIONS = 18
_RECHECK_SECONDS = 2.0


def _broker_addresses(brokers: str) -> list[tuple[str, int]]:
    out = []
    for item in brokers.split(","):
        host, _, port = item.strip().rpartition(":")
        if not host or not port.isdigit():
            raise ServiceUnavailableError("kafka", item, "KAFKA_BROKERS must be host:port[,host:port…]")
        out.append((host.strip("[]"), int(port)))
    return out


def _api_versions(host: str, port: int, timeout: float) -> None:
    """One ApiVersions v0 request; returns when a Kafka broker answered it without error."""
    client_id = b"mdp-spark-preflight"
    correlation_id = 0x6D6470
    body = struct.pack(">hhih", _API_VERSIONS, 0, correlation_id, len(client_id)) + client_id
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        sock.sendall(struct.pack(">i", len(body)) + body)
        header = _read_exactly(sock, 4)
        (size,) = struct.unpack(">i", header)
        if not 6 <= size <= 1 << 20:
            raise ValueError(f"answer of {size} bytes is not a Kafka ApiVersions response")
        response = _read_exactly(sock, size)
    got_id, error_code = struct.unpack(">ih", response[:6])
    if got_id != correlation_id:
        raise ValueError("answer is not a Kafka ApiVersions response (correlation id differs)")
    if error_code != 0:
        raise ValueError(f"broker answered ApiVersions with error code {error_code}")


def _read_exactly(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("connection closed before a full Kafka response")
        data += chunk
    return data


def check_kafka(brokers: str, timeout: float = 5.0) -> None:
    """Passes when at least one bootstrap broker answers ApiVersions (the client finds the rest)."""
    problems = []
    for host, port in _broker_addresses(brokers):
        try:
            _api_versions(host, port, timeout)
            return
        except (OSError, ValueError) as err:
            problems.append(f"{host}:{port}: {err}")
    raise ServiceUnavailableError("kafka", brokers, "; ".join(problems) + " (is Kafka up? check KAFKA_BROKERS)")


def check_registry(url: str, timeout: float = 5.0) -> None:
    """The Confluent-compatible API answers `GET <url>/subjects` with a JSON list."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/subjects", timeout=timeout) as response:
            body = json.loads(response.read())
        if not isinstance(body, list):
            raise ValueError("GET /subjects did not return a JSON list")
    except urllib.error.HTTPError as err:
        raise ServiceUnavailableError(
            "schema-registry",
            url,
            (
                f"GET /subjects answered HTTP {err.code}; SCHEMA_REGISTRY_URL must be the registry's "
                "Confluent-compatible base, e.g. http://127.0.0.1:18080/apis/ccompat/v7"
            ),
            cause=err,
        ) from err
    except (OSError, ValueError) as err:
        raise ServiceUnavailableError(
            "schema-registry", url, f"{err} (is the registry up? check SCHEMA_REGISTRY_URL)", cause=err
        ) from err


def check_bucket(endpoint: str, access_key: str, secret_key: str, bucket: str, timeout: float = 5.0) -> None:
    """The bucket exists and the job's keys may read it (a signed S3 request, as Spark's S3A will make)."""
    from pyarrow import fs  # only here: the tests of the rest need no S3 support

    scheme, _, host = endpoint.partition("://")
    s3 = fs.S3FileSystem(
        access_key=access_key,
        secret_key=secret_key,
        endpoint_override=host,
        scheme=scheme,
        region="us-east-1",
        connect_timeout=timeout,
        request_timeout=timeout,
        retry_strategy=fs.AwsStandardS3RetryStrategy(max_attempts=1),
    )
    where = f"{endpoint} bucket {bucket}"
    try:
        info = s3.get_file_info(bucket)
    except OSError as err:
        raise ServiceUnavailableError(
            "minio",
            where,
            f"{str(err).splitlines()[0]} (is MinIO up? check S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY)",
            cause=err,
        ) from err
    if info.type != fs.FileType.Directory:
        raise ServiceUnavailableError(
            "minio", where, "the bucket does not exist (the stack's minio-init creates it; check S3_BUCKET)"
        )


def check_services(config: Config) -> None:
    """Raises ServiceUnavailableError for the first service that does not answer."""
    check_kafka(config.kafka_brokers)
    check_registry(config.schema_registry_url)
    check_bucket(config.s3_endpoint, config.s3_access_key, config.s3_secret_key, config.s3_bucket)


def await_services(config: Config, wait_seconds: float, log, check=check_services) -> None:
    """check_services until every service answers or `wait_seconds` have passed (then the last
    ServiceUnavailableError is raised). A supervised job waits out a service's restart this way
    instead of exiting at once and spending its supervisor's restarts; each service waited for is
    logged once, when the wait for it begins."""
    deadline = time.monotonic() + wait_seconds
    waiting_for = None
    while True:
        try:
            check(config)
        except ServiceUnavailableError as err:
            if time.monotonic() + _RECHECK_SECONDS > deadline:
                raise
            if err.service != waiting_for:
                waiting_for = err.service
                log.warning(
                    f"waiting for {err.service} (up to {wait_seconds:g} s): {err}",
                    extra={"code": err.code, "service": err.service},
                )
            time.sleep(_RECHECK_SECONDS)
            continue
        if waiting_for is not None:
            log.info("every service answers", extra={"waited_for": waiting_for})
        return


def startup(environ, log, script: str, wait_seconds: float = 0) -> tuple[Config, str] | int:
    """The configuration and jars folder of a Spark entry point once every service answers
    (waiting up to `wait_seconds` for them), or its exit code after saying why: 2 bad
    configuration, 3 a service unreachable."""
    try:
        config = load_config(environ)
    except MdpSparkError as err:
        log.error(str(err), extra={"code": err.code})
        return 2
    jars_dir = environ.get("MDP_SPARK_JARS_DIR")
    if not jars_dir:
        log.error(f"MDP_SPARK_JARS_DIR is not set: run it with {script}", extra={"code": "CONFIG_INVALID"})
        return 2
    try:
        await_services(config, wait_seconds, log)
    except ServiceUnavailableError as err:
        log.error(f"cannot start: {err}", extra={"code": err.code, "service": err.service})
        return 3
    return config, jars_dir
