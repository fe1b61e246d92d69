import { CONNECT_AUTH_HINT, connectHeaders } from '@mdp/schemas';

/** Kafka Connect REST: the Debezium connector's committed source offset (how far it has produced). */
export interface ConnectorPosition {
  state: string;
  lsn: bigint | undefined;
}

export async function connectorPosition(
  connectUrl: string,
  name: string,
): Promise<ConnectorPosition> {
  const base = connectUrl.replace(/\/+$/, '');
  const reply = await fetch(`${base}/connectors/${encodeURIComponent(name)}/status`, {
    headers: connectHeaders(),
  });
  if (reply.status === 401) throw new Error(CONNECT_AUTH_HINT);
  const status = (await reply.json()) as { connector?: { state?: string } };
  const res = await fetch(`${base}/connectors/${encodeURIComponent(name)}/offsets`, {
    headers: connectHeaders(),
  });
  const body = (await res.json()) as { offsets?: { offset?: Record<string, unknown> }[] };
  let lsn: bigint | undefined;
  for (const entry of body.offsets ?? []) {
    for (const field of ['lsn', 'lsn_proc', 'lsn_commit']) {
      const v = entry.offset?.[field];
      if (typeof v === 'number' || typeof v === 'string') {
        const n = BigInt(v);
        if (lsn === undefined || n > lsn) lsn = n;
      }
    }
  }
  return { state: status.connector?.state ?? 'UNKNOWN', lsn };
}
