/** Command-line flags of `sim:run`, parsed with node:util parseArgs. */
import { DURATION_FORMS, durationMs, parseFlags } from '@mdp/schemas';
import { SimError } from './errors.js';

export interface RunArgs {
  help: boolean;
  /** A built-in domain's name, or the path of a domain file. */
  domain: string;
  rate: number | 'max';
  durationMs?: number;
  events?: number;
  seed?: number;
  concurrency: number;
  syncCommit: boolean;
  reset: boolean;
  schema: string;
  simSchema: string;
  /** How long to keep reconnecting to PostgreSQL after a lost connection (ms). */
  giveUpAfterMs: number;
  /** `--json FILE`: the summary as JSON in FILE; `-`: alone on stdout. */
  json?: string;
}

export const USAGE = `Usage: pnpm sim:run [--rate 50/s] [--duration 60s | --events N] [--seed S] [options]

Runs the business simulation against the tables loaded by \`pnpm sim:load\`:
each domain event is one PostgreSQL transaction plus its row in <sim-schema>.event_log.
A later run resumes the same simulation (also after kill -9).

Options:
  --domain D        the business simulated: a built-in domain (retail, clinic) or the path
                    of a domain file of your own (see the README's tutorial); default retail
  --rate R          events per second: 50/s, 50, 3000/min, or max (default 50/s)
  --duration D      stop after D: 10s, 2m, 1h, 500ms (paced: exactly rate x D events)
  --events N        stop after N new events
                    (neither: run until Ctrl-C / SIGTERM, which finishes in-flight events)
  --seed S          seed of a new simulation, integer 0..4294967295 (default 1);
                    a resumed simulation keeps its seed
  --concurrency N   transactions in flight at once, 1..64 (default 8)
  --sync-commit on|off  wait for the WAL flush at each commit (default off: each event
                    stays atomic with its log row; a PostgreSQL crash may drop the newest
                    events with their log rows, and the next run regenerates them)
  --reset           drop the event log and snapshot, start anew from the current tables
  --schema NAME     schema of the business tables (default public)
  --sim-schema NAME schema of the event log and snapshot (default sim)
  --give-up-after D when PostgreSQL goes away (restart, dropped connection), reconnect
                    with backoff (100 ms doubling to 5 s) and carry on; exit 1 after D
                    without a connection (default 2m)
  --json FILE       also write the summary as JSON to FILE; - puts it alone on stdout
  -h, --help        show this help

Environment: PGHOST PGPORT PGDATABASE with PG_WRITER_USER PG_WRITER_PASSWORD (the stack's
writers' role; else PGUSER PGPASSWORD) (eval "$(pnpm -s stack:env)").`;

const bad = (message: string) => new SimError('SIM_BAD_FLAG', `${message}\n\n${USAGE}`);

export function parseRate(text: string): number | 'max' {
  if (text === 'max') return 'max';
  const m = /^(\d+(?:\.\d+)?)(?:\/(s|sec|min|m|h))?$/.exec(text.trim());
  const value = m
    ? Number(m[1]) / ({ s: 1, sec: 1, min: 60, m: 60, h: 3600 }[m[2] ?? 's'] ?? 1)
    : NaN;
  if (!(value > 0))
    throw bad(
      `--rate "${text}" is not a rate; accepted forms: 50/s, 50 (per second), 3000/min, 10/h, max`,
    );
  return value;
}

export function parseDuration(text: string, flag = 'duration'): number {
  const ms = durationMs(text);
  if (Number.isNaN(ms))
    throw bad(`--${flag} "${text}" is not a duration; accepted forms: ${DURATION_FORMS}`);
  return ms;
}

function parseInteger(flag: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(value >= min && value <= max))
    throw bad(`--${flag} "${text}" must be an integer from ${min} to ${max}`);
  return value;
}

function parseOnOff(flag: string, text: string): boolean {
  if (text !== 'on' && text !== 'off') throw bad(`--${flag} "${text}" must be on or off`);
  return text === 'on';
}

function parseSchema(flag: string, text: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(text))
    throw bad(`--${flag} "${text}" must be a lower-case SQL identifier`);
  return text;
}

export function parseRunArgs(argv: readonly string[]): RunArgs {
  const { values } = parseFlags(
    argv,
    {
      help: { type: 'boolean', short: 'h', default: false },
      domain: { type: 'string', default: 'retail' },
      rate: { type: 'string', default: '50/s' },
      duration: { type: 'string' },
      events: { type: 'string' },
      seed: { type: 'string' },
      concurrency: { type: 'string', default: '8' },
      'sync-commit': { type: 'string', default: 'off' },
      reset: { type: 'boolean', default: false },
      schema: { type: 'string', default: 'public' },
      'sim-schema': { type: 'string', default: 'sim' },
      'give-up-after': { type: 'string', default: '2m' },
      json: { type: 'string' },
    },
    bad,
  );
  if (values.duration !== undefined && values.events !== undefined)
    throw bad('give --duration or --events, not both');
  return {
    help: values.help,
    domain: values.domain,
    rate: parseRate(values.rate),
    durationMs: values.duration === undefined ? undefined : parseDuration(values.duration),
    events:
      values.events === undefined
        ? undefined
        : parseInteger('events', values.events, 1, Number.MAX_SAFE_INTEGER),
    seed: values.seed === undefined ? undefined : parseInteger('seed', values.seed, 0, 0xffff_ffff),
    concurrency: parseInteger('concurrency', values.concurrency, 1, 64),
    syncCommit: parseOnOff('sync-commit', values['sync-commit']),
    reset: values.reset,
    schema: parseSchema('schema', values.schema),
    simSchema: parseSchema('sim-schema', values['sim-schema']),
    giveUpAfterMs: parseDuration(values['give-up-after'], 'give-up-after'),
    json: values.json,
  };
}
