import { StackError } from '../errors.js';

/** Kafka Connect's REST API refused a request or is unreachable. */
export class ConnectApiError extends StackError {
  constructor(
    readonly url: string,
    readonly status: number | undefined,
    detail: string,
    options: { cause?: unknown; retriable?: boolean } = {},
  ) {
    super(
      'CONNECT_API',
      `Kafka Connect ${url}: ${detail}. Check the worker's log (pnpm stack:logs connect)`,
      options,
    );
  }
}

/** The connector config file cannot be used as it is. */
export class ConnectorConfigError extends StackError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super('CONNECTOR_CONFIG', `${file}: ${detail}`);
  }
}

/** A plugin the connector needs is not on the worker's plugin.path. */
export class PluginMissingError extends StackError {
  constructor(readonly pluginClass: string) {
    super(
      'CONNECT_PLUGIN_MISSING',
      `Kafka Connect has no plugin ${pluginClass} on its plugin.path: reinstall the stack's Connect plugins ` +
        `(pnpm stack:up connect) or, under docker compose, check the connect-plugins volume`,
    );
  }
}

/** The connector or its task ended FAILED; the message carries the task's trace. */
export class ConnectorFailedError extends StackError {
  constructor(
    readonly connector: string,
    readonly trace: string,
  ) {
    super(
      'CONNECTOR_FAILED',
      `connector ${connector} FAILED:\n${trace}\nFix the cause, then run pnpm connect:register again ` +
        `(it restarts failed tasks); the worker's full log: pnpm stack:logs connect`,
    );
  }
}

/** The admin SQL (debezium role, heartbeat table, publication) could not be applied. */
export class CdcSetupError extends StackError {
  constructor(detail: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super('CDC_SETUP', `preparing PostgreSQL for Debezium failed: ${detail}`, options);
  }
}

/** A deadline passed while waiting on a condition. */
export class WaitTimeoutError extends StackError {
  constructor(what: string, seconds: number, last: unknown) {
    super('WAIT_TIMEOUT', `${what} not reached after ${seconds} s (last: ${describe(last)})`, {
      cause: last,
      retriable: true,
    });
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  return String(value);
}
