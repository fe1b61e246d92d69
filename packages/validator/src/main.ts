/** Composition root of the validator's CLIs: the only place that reads the environment, logs at the root, or exits. */
import { randomBytes } from 'node:crypto';
import { createDecoder, jsonReplacer } from './avro/decoder.js';
import { createKafka, listCdcTopics, waitForTopics } from './adapters/kafka.js';
import { createRegistry } from './adapters/registry.js';
import { CONSUME_HELP, parseConsumeArgs } from './cli/consume-args.js';
import { setTimeout as delay } from 'node:timers/promises';
import { cliLogger, KAFKA_AUTH_HINT, topicFor, writeResult } from '@mdp/schemas';
import { VALIDATE_HELP, parseValidateArgs } from './cli/validate-args.js';
import { kafkaConfig, pgConfig, type PgConfig } from './config.js';
import type { Logger } from 'pino';
import { keepVerdict } from './adapters/postgres.js';
import { formatReport, verdictSummary } from './validate/report.js';
import { loadInvariants, loadRules } from './validate/rules.js';
import {
  judgeAt,
  startConsuming,
  type ValidateOptions,
  type ValidateResult,
} from './validate/run.js';
import { consumeChanges } from './consume.js';
import { UsageError, ValidatorError } from './errors.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

function rootLogger() {
  return cliLogger('validator', { defaultLevel: 'warn' });
}

function fail(err: unknown): never {
  if (err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(2);
  }
  const code = err instanceof ValidatorError ? ` [${err.code}]` : '';
  process.stderr.write(`error${code}: ${message(err)}\n`);
  process.exit(1);
}

/** The error's message; a refused Kafka login says which settings to look at. */
function message(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'KafkaJSSASLAuthenticationError')
    return `Kafka refused the login (${err.message}): ${KAFKA_AUTH_HINT}`;
  return err.message;
}

export async function mainConsume(argv: readonly string[]): Promise<void> {
  try {
    const args = parseConsumeArgs(argv);
    if (args.help) {
      process.stdout.write(`${CONSUME_HELP}\n`);
      return;
    }
    const config = kafkaConfig(process.env);
    const logger = rootLogger();
    const kafka = createKafka({ brokers: config.brokers, login: config.login, logger });
    const topics = args.topics.length ? args.topics : await listCdcTopics(kafka);
    if (!topics.length) {
      throw new ValidatorError(
        'NO_TOPICS',
        'no mdp.public.* topics exist yet: is the Debezium connector registered and has it snapshotted? Pass --topic to name one.',
      );
    }
    const decoder = createDecoder(createRegistry(config.registryUrl));
    const controller = new AbortController();
    let timedOut = false;
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const timer =
      args.timeoutSeconds === undefined
        ? undefined
        : setTimeout(() => ((timedOut = true), stop()), args.timeoutSeconds * 1000);
    await waitForTopics(kafka, topics, {
      signal: controller.signal,
      onWait: (missing) =>
        process.stderr.write(`waiting for topic ${missing.join(', ')} to be created\n`),
    });
    const result = await consumeChanges({
      kafka,
      decoder,
      topics,
      fromBeginning: args.fromBeginning,
      groupId: args.group ?? `mdp-consume-${randomBytes(6).toString('hex')}`,
      ...(args.max === undefined ? {} : { max: args.max }),
      logger,
      signal: controller.signal,
      onChange: (change) => process.stdout.write(`${JSON.stringify(change, jsonReplacer)}\n`),
      onUndecodable: ({ error }) => {
        const { topic, partition, offset, part } = error.where;
        process.stderr.write(
          `undecodable record topic=${topic} partition=${partition} offset=${offset} part=${part} code=${error.code}: ${error.message}\n`,
        );
      },
    });
    clearTimeout(timer);
    process.stderr.write(`consumed ${result.changes} records, ${result.undecodable} undecodable\n`);
    process.exitCode = timedOut && args.max !== undefined ? 3 : 0;
  } catch (err) {
    fail(err);
  }
}

const clock = () => new Date().toISOString().slice(11, 19);

/** The rolling status of `validate --follow`: throughput, the last verdict, what it does now. */
function statusLine(
  records: number,
  rate: number,
  result: ValidateResult,
  judgedAt: string,
  phase: string,
): string {
  const failing = Object.entries(result.checks)
    .filter(([, c]) => !c.ok)
    .map(([name, c]) => `${name}=${c.count}`);
  const verdict = result.ok
    ? 'consistent'
    : `INCONSISTENT${result.caughtUp ? '' : ' (not caught up)'}${failing.length ? ` ${failing.join(' ')}` : ''}`;
  return `${clock()} records=${records} rate=${rate}/s | verdict ${judgedAt} at W=${result.watermark}: ${verdict} | ${phase}`;
}

/** Each verdict is kept for pipeline:status and the console; failing to keep it only warns. */
async function keep(pg: PgConfig, result: ValidateResult, logger: Logger): Promise<void> {
  const verdict = {
    checker: 'validate',
    ok: result.ok,
    summary: verdictSummary(result),
    finishedAt: new Date().toISOString(),
  } as const;
  await keepVerdict(pg, verdict).catch((err: unknown) =>
    logger.warn(
      { err },
      `validate: the verdict could not be kept in PostgreSQL for pnpm pipeline:status (${(err as Error).message})`,
    ),
  );
}

export async function mainValidate(argv: readonly string[]): Promise<void> {
  try {
    const args = parseValidateArgs(argv);
    if (args.help) {
      process.stdout.write(`${VALIDATE_HELP}\n`);
      return;
    }
    const rules = await loadRules(args.rules);
    const invariants = await loadInvariants(args.domains);
    const config = kafkaConfig(process.env);
    const pg = pgConfig(process.env);
    const logger = rootLogger();
    const kafka = createKafka({ brokers: config.brokers, login: config.login, logger });
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    process.once('SIGTERM', () => controller.abort());
    // With --follow the progress goes into the rolling status line instead of its own lines.
    let phase = 'starting';
    const options: ValidateOptions = {
      kafka,
      decoder: createDecoder(createRegistry(config.registryUrl)),
      pg,
      connectUrl: process.env.KAFKA_CONNECT_URL,
      connector: args.connector,
      tables: args.tables,
      topicOf: (t) => topicFor(t),
      rules,
      invariants,
      timeoutMs: args.timeoutSeconds * 1000,
      groupId: `mdp-validate-${randomBytes(6).toString('hex')}`,
      logger,
      signal: controller.signal,
      onProgress: (line) => (args.follow ? (phase = line) : process.stderr.write(`${line}\n`)),
    };
    const consuming = await startConsuming(options);
    try {
      let result = await judgeAt(options, consuming);
      await keep(pg, result, logger);
      if (args.follow) {
        let judgedAt = clock();
        phase = 'waiting for the next verdict';
        let last = consuming.topology.records();
        const ticker = setInterval(() => {
          const now = consuming.topology.records();
          process.stderr.write(
            `${process.stderr.isTTY ? '\r\x1b[K' : ''}${statusLine(now, Math.max(0, now - last), result, judgedAt, phase)}${process.stderr.isTTY ? '' : '\n'}`,
          );
          last = now;
        }, 1000);
        while (!controller.signal.aborted) {
          await delay(args.intervalSeconds * 1000, undefined, {
            signal: controller.signal,
          }).catch(() => undefined); // aborted: Ctrl-C ends the wait at once
          if (controller.signal.aborted) break;
          const next = await judgeAt(options, consuming);
          // Ctrl-C during a verdict cuts its waits short: keep the last complete one.
          if (controller.signal.aborted) break;
          result = next;
          await keep(pg, result, logger);
          judgedAt = clock();
          phase = 'waiting for the next verdict';
        }
        clearInterval(ticker);
        process.stderr.write('\n');
      }
      await writeResult(args.json, result, `${formatReport(result)}\n`);
      process.exitCode = result.ok ? 0 : result.caughtUp ? 1 : 3;
    } finally {
      consuming.stop();
    }
  } catch (err) {
    // Exit 1 means a check failed: an error before any verdict is usage (2) or could not check (4).
    if (err instanceof UsageError) fail(err);
    process.stderr.write(
      `error [${err instanceof ValidatorError ? err.code : 'INFRA'}]: ${message(err)}\n`,
    );
    process.exit(4);
  }
}
