"""Settings parsed once from the environment into a frozen object (only main.py calls this)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import ConfigError

# how long the lake keeps a file its tables' newest versions no longer read (VACUUM). Delta's
# default is 7 days; a lab's lake is rebuilt from Kafka rather than travelled back in time.
DEFAULT_LAKE_RETAIN_HOURS = 1.0
# the driver's heap (local mode: the executors live in it). Measured (pnpm bench, 800 events/s, 2g):
# the old generation holds 400-700 MB between collections; 2g only made the heap, not the job, grow.
DEFAULT_DRIVER_MEMORY = "1g"

DEFAULT_MASTER = "local[2]"
# where the driver listens and its executors reach it (MDP_SPARK_HOST): loopback, except
# under docker compose's cluster file, where the executors run in other containers
DEFAULT_HOST = "127.0.0.1"

REQUIRED = ("KAFKA_BROKERS", "SCHEMA_REGISTRY_URL", "S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_BUCKET")


@dataclass(frozen=True)
class Config:
    kafka_brokers: str
    schema_registry_url: str
    s3_endpoint: str
    s3_access_key: str
    s3_secret_key: str
    s3_bucket: str
    ui_port: int
    lake_retain_hours: float
    driver_memory: str = DEFAULT_DRIVER_MEMORY
    # local[N], or a standalone cluster's master spark://host:port (MDP_SPARK_MASTER)
    master: str = DEFAULT_MASTER
    host: str = DEFAULT_HOST
    # the Kafka source's login (kafka.* options without the prefix): empty when none is set
    kafka_login: Mapping[str, str] = field(default_factory=dict)

    @property
    def lake_root(self) -> str:
        return f"s3a://{self.s3_bucket}"


def load_config(env: Mapping[str, str]) -> Config:
    """Reads every setting; lists every missing or bad one at once."""
    problems = [f"{name} is not set" for name in REQUIRED if not env.get(name)]
    offset = env.get("MDP_PORT_OFFSET") or "0"
    if not offset.isdigit():
        problems.append(f"MDP_PORT_OFFSET must be a non-negative integer, got {offset!r}")
    ui_port = env.get("MDP_SPARK_UI_PORT") or ""
    if ui_port and not (ui_port.isdigit() and 1 <= int(ui_port) <= 65535):
        problems.append(f"MDP_SPARK_UI_PORT must be a port number, got {ui_port!r}")
    retain = env.get("MDP_LAKE_RETAIN_HOURS") or ""
    if retain and not _non_negative_number(retain):
        problems.append(f"MDP_LAKE_RETAIN_HOURS must be a number of hours, 0 or more, got {retain!r}")
    driver_memory = env.get("MDP_SPARK_DRIVER_MEMORY") or DEFAULT_DRIVER_MEMORY
    if not re.fullmatch(r"[1-9][0-9]*[mMgG]", driver_memory):
        problems.append(f"MDP_SPARK_DRIVER_MEMORY must be a JVM size such as 1g or 1536m, got {driver_memory!r}")
    master = env.get("MDP_SPARK_MASTER") or DEFAULT_MASTER
    if not re.fullmatch(r"local\[[1-9][0-9]*\]|spark://[^\s/:]+:[0-9]+", master):
        problems.append(f"MDP_SPARK_MASTER must be local[N] or spark://host:port, got {master!r}")
    host = env.get("MDP_SPARK_HOST") or DEFAULT_HOST
    if not re.fullmatch(r"[A-Za-z0-9.-]+", host):
        problems.append(f"MDP_SPARK_HOST must be a host name or an IPv4 address, got {host!r}")
    endpoint = env.get("S3_ENDPOINT", "")
    if endpoint and not endpoint.startswith(("http://", "https://")):
        problems.append(f"S3_ENDPOINT must start with http:// or https://, got {endpoint!r}")
    login, login_problems = _kafka_login(env)
    problems += login_problems
    if problems:
        raise ConfigError(
            "bad configuration: "
            + "; ".join(problems)
            + ' (eval "$(pnpm -s stack:env)" sets them for the native stack)'
        )
    return Config(
        kafka_brokers=env["KAFKA_BROKERS"],
        schema_registry_url=env["SCHEMA_REGISTRY_URL"].rstrip("/"),
        s3_endpoint=endpoint,
        s3_access_key=env["S3_ACCESS_KEY"],
        s3_secret_key=env["S3_SECRET_KEY"],
        s3_bucket=env["S3_BUCKET"],
        # the stack's default (infra/src/config.ts PORTS.sparkUi): 14040 + MDP_PORT_OFFSET
        ui_port=int(ui_port) if ui_port else 14040 + int(offset),
        lake_retain_hours=float(retain) if retain else DEFAULT_LAKE_RETAIN_HOURS,
        driver_memory=driver_memory,
        master=master,
        host=host,
        kafka_login=login,
    )


def _kafka_login(env: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """KAFKA_USER and KAFKA_PASSWORD: SCRAM-SHA-512 (the stack's users); neither set: no login."""
    user, password = env.get("KAFKA_USER", ""), env.get("KAFKA_PASSWORD", "")
    if not user and not password:
        return {}, []
    if not user or not password:
        return {}, ["KAFKA_USER and KAFKA_PASSWORD go together: set both or neither"]
    if any(c in '"\\' for c in user + password):
        return {}, ["KAFKA_USER and KAFKA_PASSWORD may not hold a double quote or a backslash"]
    module = "org.apache.kafka.common.security.scram.ScramLoginModule"
    return {
        "security.protocol": "SASL_PLAINTEXT",
        "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.jaas.config": f'{module} required username="{user}" password="{password}";',
    }, []


def _non_negative_number(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return value >= 0 and value != float("inf")
