import { CONNECT_AUTH_HINT, connectHeaders } from '@mdp/schemas';
import { ConnectApiError } from './errors.js';
import type { ConnectorConfig } from './connector-config.js';

type ConnectState = 'RUNNING' | 'PAUSED' | 'FAILED' | 'UNASSIGNED' | 'RESTARTING' | 'STOPPED';

export interface ConnectorStatus {
  name: string;
  connector: { state: ConnectState; worker_id: string; trace?: string };
  tasks: { id: number; state: ConnectState; worker_id: string; trace?: string }[];
}

export interface ConnectClient {
  readonly url: string;
  /** `GET /`: the worker's version, or a retriable error while it starts. */
  info(): Promise<{ version: string }>;
  /** Classes of every plugin on plugin.path (connectors, converters, transforms). */
  pluginClasses(): Promise<Set<string>>;
  /** The stored config, or undefined when no such connector exists. */
  getConfig(name: string): Promise<Record<string, string> | undefined>;
  /** Idempotent create-or-update; true when it created the connector. */
  putConfig(name: string, config: ConnectorConfig): Promise<boolean>;
  status(name: string): Promise<ConnectorStatus | undefined>;
  /** Restarts the connector and its failed tasks. */
  restartFailed(name: string): Promise<void>;
  deleteConnector(name: string): Promise<void>;
}

/** A thin client of Kafka Connect's REST API (fetch, no dependencies). */
export function createConnectClient(baseUrl: string, fetchTimeoutMs = 30_000): ConnectClient {
  const url = baseUrl.replace(/\/+$/, '');

  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const target = `${url}${path}`;
    let res: Response;
    try {
      res = await fetch(target, {
        method,
        headers: {
          ...connectHeaders(),
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(fetchTimeoutMs),
      });
    } catch (err) {
      throw new ConnectApiError(target, undefined, `unreachable (${(err as Error).message})`, {
        cause: err,
        retriable: true,
      });
    }
    const text = await res.text();
    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
    }
    return { status: res.status, json };
  }

  function fail(method: string, path: string, status: number, json: unknown): never {
    const message =
      typeof json === 'object' && json !== null && 'message' in json
        ? String(json.message)
        : JSON.stringify(json);
    // 409: a rebalance is under way; 5xx while the worker starts: both pass.
    const retriable = status === 409 || status >= 500;
    const what = status === 401 ? CONNECT_AUTH_HINT : `${method} answered ${status}: ${message}`;
    throw new ConnectApiError(`${url}${path}`, status, what, { retriable });
  }

  return {
    url,
    async info() {
      const { status, json } = await call('GET', '/');
      if (status !== 200) fail('GET', '/', status, json);
      return json as { version: string };
    },
    async pluginClasses() {
      const path = '/connector-plugins?connectorsOnly=false';
      const { status, json } = await call('GET', path);
      if (status !== 200) fail('GET', path, status, json);
      return new Set((json as { class: string }[]).map((p) => p.class));
    },
    async getConfig(name) {
      const path = `/connectors/${encodeURIComponent(name)}/config`;
      const { status, json } = await call('GET', path);
      if (status === 404) return undefined;
      if (status !== 200) fail('GET', path, status, json);
      return json as Record<string, string>;
    },
    async putConfig(name, config) {
      const path = `/connectors/${encodeURIComponent(name)}/config`;
      const { status, json } = await call('PUT', path, config);
      if (status !== 200 && status !== 201) fail('PUT', path, status, json);
      return status === 201;
    },
    async status(name) {
      const path = `/connectors/${encodeURIComponent(name)}/status`;
      const { status, json } = await call('GET', path);
      if (status === 404) return undefined;
      if (status !== 200) fail('GET', path, status, json);
      return json as ConnectorStatus;
    },
    async restartFailed(name) {
      const path = `/connectors/${encodeURIComponent(name)}/restart?includeTasks=true&onlyFailed=true`;
      const { status, json } = await call('POST', path);
      if (status !== 200 && status !== 202 && status !== 204) fail('POST', path, status, json);
    },
    async deleteConnector(name) {
      const path = `/connectors/${encodeURIComponent(name)}`;
      const { status, json } = await call('DELETE', path);
      if (status !== 204 && status !== 404) fail('DELETE', path, status, json);
    },
  };
}
