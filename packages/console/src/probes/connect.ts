import { CONNECT_AUTH_HINT, connectHeaders } from '@mdp/schemas';
/** Kafka Connect's side: the Debezium PostgreSQL connector, its tasks and its committed source position. */
export interface ConnectProbe {
  /** undefined: no Debezium PostgreSQL connector is registered. */
  readonly connector?: ConnectorProbe;
}

interface ConnectorProbe {
  readonly name: string;
  readonly state: string;
  /** The first line of the connector's own trace, when it FAILED. */
  readonly trace?: string;
  readonly tasks: readonly {
    readonly id: number;
    readonly state: string;
    readonly trace?: string;
  }[];
  readonly slot?: string;
  readonly publication?: string;
  readonly topicPrefix?: string;
  /** The source LSN Connect has committed (its offset), e.g. `0/3A2F100`. */
  readonly committedLsn?: string;
}

const POSTGRES_CONNECTOR = 'io.debezium.connector.postgresql.PostgresConnector';

interface Expanded {
  info: { config: Record<string, string> };
  status: {
    connector: { state: string; trace?: string };
    tasks: { id: number; state: string; trace?: string }[];
  };
}

/** GET /connectors?expand=info&expand=status, then the Debezium connector's offsets. */
export async function probeConnect(url: string, timeoutMs = 3000): Promise<ConnectProbe> {
  const base = url.replace(/\/+$/, '');
  const all = (await getJson(`${base}/connectors?expand=info&expand=status`, timeoutMs)) as Record<
    string,
    Expanded
  >;
  const found = Object.entries(all).find(
    ([, c]) => c.info.config['connector.class'] === POSTGRES_CONNECTOR,
  );
  if (!found) return {};
  const [name, { info, status }] = found;
  const offsets = (await getJson(
    `${base}/connectors/${encodeURIComponent(name)}/offsets`,
    timeoutMs,
  ).catch(() => undefined)) as { offsets?: { offset?: { lsn?: number } }[] } | undefined;
  const lsn = offsets?.offsets?.[0]?.offset?.lsn;
  return {
    connector: {
      name,
      state: status.connector.state,
      ...(status.connector.trace && { trace: firstLine(status.connector.trace) }),
      tasks: status.tasks.map((t) => ({
        id: t.id,
        state: t.state,
        ...(t.trace && { trace: firstLine(t.trace) }),
      })),
      slot: info.config['slot.name'],
      publication: info.config['publication.name'],
      topicPrefix: info.config['topic.prefix'],
      ...(typeof lsn === 'number' && { committedLsn: formatLsn(lsn) }),
    },
  };
}

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const response = await fetch(url, {
    headers: connectHeaders(),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (response.status === 401) throw new Error(CONNECT_AUTH_HINT);
  if (!response.ok) throw new Error(`GET ${url} answered HTTP ${response.status}`);
  return response.json();
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim();
}

/** A 64-bit WAL position as PostgreSQL writes it: high/low 32 bits in hex. */
export function formatLsn(lsn: number): string {
  const value = BigInt(lsn);
  return `${(value >> 32n).toString(16).toUpperCase()}/${(value & 0xffffffffn).toString(16).toUpperCase()}`;
}
