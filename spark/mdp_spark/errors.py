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
