/**
 * `pnpm validate`: consume the CDC topics from the beginning, read PostgreSQL at a
 * watermark, wait until the stream has passed it, and judge.
 *
 * Watermark rule: in one REPEATABLE READ transaction the validator reads
 * pg_current_snapshot(), W = pg_current_wal_lsn() and every row. Every transaction that
 * snapshot sees committed before W. It then waits until the Debezium connector's committed
 * source offset (Connect REST /connectors/<name>/offsets, max of lsn/lsn_proc/lsn_commit;
 * heartbeats advance it on quiet tables) is ≥ W, takes the topics' end offsets *after* that,
 * and consumes up to them. The stream replay only applies changes whose txId the snapshot
 * sees, so writes that go on during validation are left out (counted as afterWatermark)
 * instead of being reported as extra.
 */
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { type Subscription, mergeMap, from, tap } from 'rxjs';
import type { Decoder } from '../avro/decoder.js';
import { connectorPosition } from '../adapters/connect.js';
import { readSourceState } from '../adapters/postgres.js';
import type { PgConfig } from '../config.js';
import { ValidatorError } from '../errors.js';
import { createTopicSource } from '../streams/topic-source.js';
import { createEngine, type SourceState, type Verdict } from './engine.js';

export interface ValidateOptions {
  kafka: Kafka;
  decoder: Decoder;
  pg: PgConfig;
  connectUrl: string | undefined;
  connector: string;
  tables: readonly string[];
  topicOf: (table: string) => string;
  timeoutMs: number;
  groupId: string;
  logger: Logger;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

export interface ValidateResult extends Verdict {
  watermark: string;
  caughtUp: boolean;
  connectorLsn: string | null;
  connectorState: string | null;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

async function waitFor(
  deadline: number,
  check: () => Promise<boolean> | boolean,
  signal?: AbortSignal,
): Promise<boolean> {
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    if (await check()) return true;
    if (Date.now() >= deadline || signal?.aborted) return false;
    await sleep(delay, signal);
  }
}

/** Starts consuming; returns the engine, the consumed positions and a stop function. */
export function startConsuming(
  options: Pick<ValidateOptions, 'kafka' | 'decoder' | 'tables' | 'topicOf' | 'groupId'>,
) {
  const engine = createEngine();
  const positions = new Map<string, bigint>();
  let failure: unknown;
  const source$ = createTopicSource(options.kafka, {
    topics: options.tables.map(options.topicOf),
    groupId: options.groupId,
    fromBeginning: true,
  });
  const sub: Subscription = source$
    .pipe(
      mergeMap((rec) => from(options.decoder.decode(rec).then((d) => ({ d, rec }))), 1),
      tap(({ d, rec }) => {
        engine.accept(d);
        positions.set(`${rec.topic}|${rec.partition}`, BigInt(rec.offset));
        rec.handled();
      }),
    )
    .subscribe({ error: (err: unknown) => (failure = err) });
  return {
    engine,
    positions,
    failure: () => failure,
    stop: () => sub.unsubscribe(),
  };
}

async function endOffsets(kafka: Kafka, topics: readonly string[]): Promise<Map<string, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out = new Map<string, bigint>();
    for (const topic of topics) {
      const exists = (await admin.listTopics()).includes(topic);
      if (!exists) continue;
      for (const p of await admin.fetchTopicOffsets(topic))
        out.set(`${topic}|${p.partition}`, BigInt(p.high));
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** Reads the source at a watermark, waits for the stream to pass it, and returns the verdict. */
export async function judgeAt(
  options: ValidateOptions,
  consuming: ReturnType<typeof startConsuming>,
): Promise<ValidateResult> {
  const log = options.logger.child({ component: 'validate' });
  const deadline = Date.now() + options.timeoutMs;
  const source: SourceState = await readSourceState(options.pg, options.tables);
  options.onProgress?.(`watermark W=${source.walLsn} read; waiting for the connector to pass it`);
  let position: { state: string; lsn: bigint | undefined } = { state: 'UNKNOWN', lsn: undefined };
  let caughtUp = true;
  if (options.connectUrl) {
    caughtUp = await waitFor(
      deadline,
      async () => {
        position = await connectorPosition(options.connectUrl!, options.connector);
        return position.lsn !== undefined && position.lsn >= source.walLsn;
      },
      options.signal,
    );
    if (!caughtUp)
      log.warn(
        { watermark: String(source.walLsn), connector: String(position.lsn) },
        'connector did not pass the watermark',
      );
  }
  const ends = await endOffsets(options.kafka, options.tables.map(options.topicOf));
  const drained = await waitFor(
    deadline,
    () => {
      const failure = consuming.failure();
      if (failure)
        throw new ValidatorError(
          'CONSUME_FAILED',
          `consuming the topics failed: ${failure instanceof Error ? failure.message : JSON.stringify(failure)}`,
          { cause: failure, retriable: true },
        );
      return [...ends].every(
        ([tp, high]) => high === 0n || (consuming.positions.get(tp) ?? -1n) >= high - 1n,
      );
    },
    options.signal,
  );
  const verdict = consuming.engine.verdict(source, options.tables);
  const fullyCaughtUp = caughtUp && drained;
  return {
    ...verdict,
    ok: verdict.ok && fullyCaughtUp,
    watermark: source.walLsn.toString(),
    caughtUp: fullyCaughtUp,
    connectorLsn: position.lsn === undefined ? null : String(position.lsn),
    connectorState: options.connectUrl ? position.state : null,
  };
}
