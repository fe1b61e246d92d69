/**
 * `pnpm validate`: consume the CDC topics from the beginning, read PostgreSQL at a
 * watermark, wait until the stream has passed it, and judge.
 *
 * Watermark rule: in one REPEATABLE READ transaction the validator reads
 * pg_current_snapshot(), W = pg_current_wal_insert_lsn() and every row. Every transaction
 * that snapshot sees committed before W (the insert position, not pg_current_wal_lsn(): an
 * asynchronous commit is visible before its WAL is written). It then waits until the Debezium connector's committed
 * source offset (Connect REST /connectors/<name>/offsets, max of lsn/lsn_proc/lsn_commit;
 * heartbeats advance it on quiet tables) is ≥ W, takes the topics' end offsets *after* that,
 * and consumes up to them. The stream replay only applies changes whose txId the snapshot
 * sees, so writes that go on during validation are left out (counted as afterWatermark)
 * instead of being reported as extra.
 */
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Invariant } from '@mdp/simulator';
import { type Subscription, mergeMap, from, tap } from 'rxjs';
import type { Decoder } from '../avro/decoder.js';
import { connectorPosition, type ConnectorPosition } from '../adapters/connect.js';
import { readSourceState } from '../adapters/postgres.js';
import type { PgConfig } from '../config.js';
import { ValidatorError } from '../errors.js';
import { createTopicSource } from '../streams/topic-source.js';
import { createTopology, type Rule, type SourceState, type Verdict } from './topology.js';

export interface ValidateOptions {
  kafka: Kafka;
  decoder: Decoder;
  pg: PgConfig;
  connectUrl: string | undefined;
  connector: string;
  tables: readonly string[];
  topicOf: (table: string) => string;
  /** Checks of your own (validate --rules), run beside the business rules. */
  rules?: readonly Rule[];
  /** The business rules: the invariants of the domains (validate --domain). */
  invariants?: readonly Invariant[];
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
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
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

/** Which of `topics` exist now (a table whose rows never changed has no topic yet). */
async function existingTopics(kafka: Kafka, topics: readonly string[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    return topics.filter((t) => existing.has(t));
  } finally {
    await admin.disconnect();
  }
}

type ConsumeOptions = Pick<
  ValidateOptions,
  'kafka' | 'decoder' | 'tables' | 'topicOf' | 'groupId' | 'rules' | 'invariants'
>;

/** One consumer over a fixed set of topics, feeding a fresh topology. */
function consumeTopics(
  options: ConsumeOptions,
  topics: readonly string[],
  generation: number,
  source: SourceState | undefined,
) {
  const topology = createTopology(options);
  if (source) topology.watermark(source);
  const positions = new Map<string, bigint>();
  let failure: unknown;
  let sub: Subscription | undefined;
  if (topics.length) {
    const source$ = createTopicSource(options.kafka, {
      topics,
      groupId: `${options.groupId}-${generation}`,
      fromBeginning: true,
    });
    sub = source$
      .pipe(
        mergeMap((rec) => from(options.decoder.decode(rec).then((d) => ({ d, rec }))), 1),
        tap(({ d, rec }) => {
          topology.accept(d);
          positions.set(`${rec.topic}|${rec.partition}`, BigInt(rec.offset));
          rec.handled();
        }),
      )
      .subscribe({ error: (err: unknown) => (failure = err) });
  }
  return {
    topics: new Set(topics),
    topology,
    positions,
    failure: () => failure,
    stop: () => sub?.unsubscribe(),
  };
}

/**
 * Starts consuming the topics of `tables` that exist; returns the topology, the consumed
 * positions and a stop function. A topic that appears later (its table's first change
 * reached Kafka after the start) is taken in by `cover`, which starts again from the
 * beginning of every topic with a fresh topology.
 */
export async function startConsuming(options: ConsumeOptions) {
  const wanted = options.tables.map(options.topicOf);
  let generation = 0;
  let source: SourceState | undefined;
  let current = consumeTopics(
    options,
    await existingTopics(options.kafka, wanted),
    generation,
    source,
  );
  return {
    get topology() {
      return current.topology;
    },
    /** PostgreSQL as read at a watermark: the topology (and any later one) keeps state up to it. */
    watermark(next: SourceState) {
      source = next;
      current.topology.watermark(next);
    },
    get positions() {
      return current.positions;
    },
    failure: () => current.failure(),
    /** Makes sure every topic of `wanted` that exists now is consumed; returns those topics. */
    async cover(): Promise<string[]> {
      const existing = await existingTopics(options.kafka, wanted);
      if (existing.some((t) => !current.topics.has(t))) {
        current.stop();
        current = consumeTopics(options, existing, ++generation, source);
      }
      return existing;
    },
    stop: () => current.stop(),
  };
}

export type Consuming = Awaited<ReturnType<typeof startConsuming>>;

async function endOffsets(kafka: Kafka, topics: readonly string[]): Promise<Map<string, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out = new Map<string, bigint>();
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic))
        out.set(`${topic}|${p.partition}`, BigInt(p.high));
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** Reads the source at a watermark, waits for the stream to pass it, and returns the verdict. */
export async function judgeAt(
  options: ValidateOptions,
  consuming: Consuming,
): Promise<ValidateResult> {
  const log = options.logger.child({ component: 'validate' });
  const deadline = Date.now() + options.timeoutMs;
  const source: SourceState = await readSourceState(options.pg, options.tables);
  consuming.watermark(source);
  options.onProgress?.(`watermark W=${source.walLsn} read; waiting for the connector to pass it`);
  let position: ConnectorPosition = { state: 'UNKNOWN', lsn: undefined };
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
    if (!caughtUp && !options.signal?.aborted)
      log.warn(
        { watermark: String(source.walLsn), connector: String(position.lsn) },
        'connector did not pass the watermark',
      );
  }
  // What is in Kafka now is finite: read all of it, so a report on a stream that did not
  // catch up still names exactly what is missing. Draining gets its own --timeout.
  options.onProgress?.(
    caughtUp
      ? `connector passed W=${source.walLsn}; reading the topics to their end offsets`
      : `connector did not pass W=${source.walLsn}; reading what the topics hold`,
  );
  const ends = await endOffsets(options.kafka, await consuming.cover());
  const drained = await waitFor(
    Math.max(deadline, Date.now() + options.timeoutMs),
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
  const verdict = consuming.topology.verdict(source);
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
