/**
 * Flags of `pnpm bench:sim` and `pnpm bench:load`: node:util parseArgs in
 * strict mode, so an unknown flag is refused (exit 2) with the list of the
 * allowed ones instead of being ignored; `--help` prints the usage (exit 0).
 * A leading `--` (`pnpm bench:sim -- --help`) is dropped.
 */
import { allowedFlags, parseFlags, type FlagOptions } from '@mdp/schemas';
import { SimulatorError } from '../src/errors.js';

export const BENCH_SIM_USAGE = `Usage: pnpm bench:sim [--seconds N] [--part all|speed|pacing] [--json FILE]

Events/s at full speed (--rate max, one transaction per event) against a baseline
of concurrency 1 with one event a round trip, then the pacing at 50/s: how far each
commit lands from its scheduled time, how events were batched, and what delayed them.
Uses the PG* settings when exported, otherwise starts the native stack's PostgreSQL.

Options:
  --seconds N   length of each run, 1..3600 (default 10, or BENCH_SECONDS)
  --part P      all (default), speed (the full-speed runs) or pacing (the 50/s run)
  --json FILE   also write the figures as JSON to FILE; - puts them alone on stdout
  -h, --help    show this help`;

export const BENCH_LOAD_USAGE = `Usage: pnpm bench:load [--scale N] [--seed S] [--json FILE]

Generates a dataset, loads it with sim:load (inference scan + COPY) and loads
orders.csv with psql \\copy into an identical table, then prints both side by side.

Options:
  --scale N   dataset size (default 500: 500k customers, 100k products, 1M orders)
  --seed S    generator seed, an integer (default 1)
  --json FILE also write the figures as JSON to FILE; - puts them alone on stdout
  -h, --help  show this help

Needs PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD (eval "$(pnpm -s stack:env)") and psql on PATH.`;

const SIM_FLAGS = {
  seconds: { type: 'string' },
  part: { type: 'string' },
  json: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies FlagOptions;

const LOAD_FLAGS = {
  scale: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies FlagOptions;

const BENCH_PARTS = ['all', 'speed', 'pacing'] as const;

export interface BenchSimArgs {
  seconds: number;
  part: (typeof BENCH_PARTS)[number];
  json?: string;
}

export interface BenchLoadArgs {
  scale: number;
  seed: number;
  json?: string;
}

/** A bad flag or value: what is wrong, the allowed flags, then the usage. */
function badFlag(message: string, flags: FlagOptions, usage: string): SimulatorError {
  return new SimulatorError(
    'BENCH_BAD_FLAG',
    `${message}; allowed: ${allowedFlags(flags)}\n\n${usage}`,
  );
}

/** `bench:sim` flags, or 'help'. Throws a BENCH_BAD_FLAG SimulatorError. */
export function parseBenchSimArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): BenchSimArgs | 'help' {
  const { values } = parseFlags(
    argv,
    SIM_FLAGS,
    (message) => new SimulatorError('BENCH_BAD_FLAG', `${message}\n\n${BENCH_SIM_USAGE}`),
  );
  if (values.help) return 'help';
  const secondsText = String(values.seconds ?? env.BENCH_SECONDS ?? '10');
  const seconds = /^\d+$/.test(secondsText) ? Number(secondsText) : NaN;
  if (!(seconds >= 1 && seconds <= 3600))
    throw badFlag(
      `--seconds "${secondsText}" must be an integer from 1 to 3600`,
      SIM_FLAGS,
      BENCH_SIM_USAGE,
    );
  const part = String(values.part ?? 'all');
  if (!(BENCH_PARTS as readonly string[]).includes(part))
    throw badFlag(
      `--part "${part}" must be one of ${BENCH_PARTS.join(', ')}`,
      SIM_FLAGS,
      BENCH_SIM_USAGE,
    );
  return { seconds, part: part as BenchSimArgs['part'], json: values.json };
}

/** `bench:load` flags, or 'help'. Throws a BENCH_BAD_FLAG SimulatorError. */
export function parseBenchLoadArgs(argv: readonly string[]): BenchLoadArgs | 'help' {
  const { values } = parseFlags(
    argv,
    LOAD_FLAGS,
    (message) => new SimulatorError('BENCH_BAD_FLAG', `${message}\n\n${BENCH_LOAD_USAGE}`),
  );
  if (values.help) return 'help';
  const scale = Number(values.scale ?? '500');
  const seedText = String(values.seed ?? '1');
  const seed = /^-?\d+$/.test(seedText) ? Number(seedText) : NaN;
  if (!(scale > 0))
    throw badFlag(
      `--scale "${String(values.scale)}" must be a positive number`,
      LOAD_FLAGS,
      BENCH_LOAD_USAGE,
    );
  if (!Number.isSafeInteger(seed))
    throw badFlag(`--seed "${seedText}" must be an integer`, LOAD_FLAGS, BENCH_LOAD_USAGE);
  return { scale, seed, json: values.json };
}

/**
 * The flags of a bench, or the exit code once the usage (--help: 0) or the
 * error (a bad flag: 2) is printed.
 */
export function benchArgs<T extends object>(
  name: string,
  usage: string,
  parse: () => T | 'help',
): T | number {
  try {
    const args = parse();
    if (args !== 'help') return args;
    process.stdout.write(`${usage}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${name}: ${(err as Error).message}\n`);
    return 2;
  }
}
