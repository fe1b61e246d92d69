"""The package's error family: every error has a stable `code` and a `retriable` flag."""


class MdpSparkError(Exception):
    code = "MDP_SPARK_ERROR"
    retriable = False

    def __init__(self, message: str, *, cause: BaseException | None = None):
        super().__init__(message)
        self.__cause__ = cause


class ConfigError(MdpSparkError):
    code = "CONFIG_INVALID"


class SchemaNotFoundError(MdpSparkError):
    """The registry has no schema with this id: records naming it go to quarantine."""

    code = "SCHEMA_NOT_FOUND"

    def __init__(self, schema_id: int, url: str):
        super().__init__(f"schema id {schema_id} not found in the registry at {url}")
        self.schema_id = schema_id


class RegistryUnavailableError(MdpSparkError):
    """The registry did not answer (after retries): the batch fails and is retried on restart."""

    code = "REGISTRY_UNAVAILABLE"
    retriable = True


class ServiceUnavailableError(MdpSparkError):
    """A service the job needs (kafka, schema-registry, minio) did not answer at start."""

    code = "SERVICE_UNAVAILABLE"
    retriable = True

    def __init__(self, service: str, address: str, reason: str, *, cause: BaseException | None = None):
        super().__init__(f"{service} is not reachable at {address}: {reason}", cause=cause)
        self.service = service
        self.address = address
