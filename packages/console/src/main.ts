import { DURATION_FORMS, durationMs, parseFlags, writeResult } from '@mdp/schemas';
import { parseConfig } from './config.js';
import { formatStatus } from './format.js';
import { createGatherer } from './gather.js';
import { judge } from './judge.js';

export const EXIT = { ok: 0, notOk: 1, usage: 2, settings: 3 } as const;

const USAGE = `Usage: pnpm pipeline:status [options]

The whole pipeline at a glance, stage by stage, each OK, LAGGING or STOPPED
(and, when not OK, what to do):
  postgres  captured tables, their rows, the WAL position
  slot      the connector's replication slot: active, WAL retained and unconfirmed
  connect   the Debezium connector and its tasks (a FAILED one with its trace's
            first line), the source LSN Connect committed
  kafka     records in each table's topic
  spark     the job's last batches (from its checkpoint), records it has not done
  lake      bronze and silver versions and rows, newest commit, quarantined records
then a row per table with its count at every stage.

Options:
  --json FILE        also write the status as JSON; - puts it on stdout alone
                     (the human text then goes to stderr)
  --watch            refresh until interrupted (with --json -, a JSON line each time)
  --interval D       time between refreshes with --watch (default 2s; ${DURATION_FORMS})
  -h, --help         this help

Settings (environment; eval "$(pnpm -s stack:env)" for the native stack):
  PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD  KAFKA_BROKERS KAFKA_USER KAFKA_PASSWORD
  KAFKA_CONNECT_URL KAFKA_CONNECT_USER KAFKA_CONNECT_PASSWORD
  S3_ENDPOINT S3_ACCESS_KEY S3_SECRET_KEY S3_BUCKET (S3_READER_* used when set)

Exit codes: 0 every stage OK · 1 a stage lagging or stopped · 2 bad usage ·
3 settings missing.`;

export interface MainIo {
  readonly env: Record<string, string | undefined>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Aborted: --watch stops. */
  readonly signal?: AbortSignal;
}

class UsageError extends Error {}

/** The pipeline:status command: returns its exit code (bin/pipeline-status.ts exits with it). */
export async function main(argv: readonly string[], io: MainIo): Promise<number> {
  let values;
  try {
    ({ values } = parseFlags(
      argv,
      {
        json: { type: 'string' },
        watch: { type: 'boolean' },
        interval: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      (message) => new UsageError(message),
    ));
  } catch (err) {
    io.stderr(`pipeline:status: ${(err as Error).message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return EXIT.ok;
  }
  const intervalMs = durationMs(values.interval ?? '2s');
  if (Number.isNaN(intervalMs)) {
    io.stderr(
      `pipeline:status: --interval "${values.interval}" is not a duration (${DURATION_FORMS})\n`,
    );
    return EXIT.usage;
  }
  const config = parseConfig(io.env);
  if ('problems' in config) {
    io.stderr(`pipeline:status: ${config.problems.join('; ')}\n`);
    return EXIT.settings;
  }
  const gatherer = createGatherer(config);
  try {
    for (;;) {
      const status = judge(await gatherer.gather());
      const human = `${formatStatus(status)}\n`;
      if (!values.watch) {
        await writeResult(values.json, status, human, io);
        return status.ok ? EXIT.ok : EXIT.notOk;
      }
      if (values.json === '-') io.stdout(`${JSON.stringify(status)}\n`);
      else io.stdout(`\x1b[2J\x1b[H${human}`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        io.signal?.addEventListener('abort', () => (clearTimeout(timer), resolve(undefined)), {
          once: true,
        });
      });
      if (io.signal?.aborted) return EXIT.ok;
    }
  } finally {
    await gatherer.close();
  }
}
