/**
 * `pnpm bench` flags (parseFlags of @mdp/schemas: an unknown flag is refused with the
 * list of the allowed ones, exit 2).
 */
import { parseFlags } from '@mdp/schemas';
import { UsageError } from './errors.js';

/** Every part, in the order a run measures them (memory before start-up restarts the stack). */
export const PARTS = [
  'load',
  'sim',
  'validate',
  'cdc-lag',
  'freshness',
  'sustained',
  'memory',
  'startup',
] as const;
export type Part = (typeof PARTS)[number];

export const USAGE = `Usage: pnpm bench [--quick] [--only PART,…] [--json FILE] [--plot FILE]

Measures every figure of the platform in one run against the native stack of
$MDP_STATE (started with pnpm stack:up when it is not running; settings from
pnpm stack:env) and prints one markdown table, each figure beside its baseline.

Parts (in this order):
  load        pnpm bench:load: our loader vs psql \\copy on the same generated file
  sim         pnpm bench:sim --part speed: full-speed events/s vs one event a round trip
  validate    pnpm bench:validate: decoded+checked records/s vs plain kafkajs
  cdc-lag     PostgreSQL commit → decoded by pnpm consume, during sim:run at 50/s
  freshness   PostgreSQL commit → visible in silver/orders (Delta on MinIO), at 50/s
  sustained   highest sim:run rate silver keeps up with (45 s at 50, 100, 200, 400,
              800/s, then 1,000/s held 3 minutes: its freshness is a row of its own)
  memory      PSS (and RSS) of each service's process tree (stack status --json, ps, /proc)
  startup     pnpm stack:down, then the time pnpm stack:up takes (data kept), per service

Options:
  --quick          shorter runs and fewer steps (a smoke run; figures are rough)
  --only PART,…    run only these parts (comma-separated)
  --json FILE      also write the results as JSON to FILE; - puts them alone on stdout
  --plot FILE      also draw the run's samples as charts in FILE, one HTML page that
                   opens in any browser without a network (freshness and CDC lag per
                   change, Spark batches, the sustained-rate steps)
  -h, --help       this help

Every run is kept as JSON under $MDP_STATE/bench/; the table shows each figure
beside the previous run's value of it (a --quick run beside a --quick one).
Progress goes to stderr, the table to stdout. Exit 0 when every part measured,
1 when one failed (its row says why; the others still run), 2 bad usage.`;

const FLAGS = {
  quick: { type: 'boolean' },
  only: { type: 'string' },
  json: { type: 'string' },
  plot: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface BenchArgs {
  readonly quick: boolean;
  readonly parts: readonly Part[];
  readonly jsonFile: string | undefined;
  readonly plotFile: string | undefined;
}

/** The flags, or 'help'. Throws a UsageError naming the allowed flags or parts. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs | 'help' {
  const { values } = parseFlags(argv, FLAGS, (message) => new UsageError(message));
  if (values.help) return 'help';
  let parts: Part[] = [...PARTS];
  if (values.only !== undefined) {
    const names = values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = names.filter((n) => !(PARTS as readonly string[]).includes(n));
    if (names.length === 0 || unknown.length > 0)
      throw new UsageError(
        `--only "${values.only}": ${unknown.length ? `unknown part ${unknown.join(', ')}` : 'no part named'}; parts: ${PARTS.join(', ')}`,
      );
    parts = PARTS.filter((p) => names.includes(p));
  }
  for (const flag of ['json', 'plot'] as const)
    if (values[flag] !== undefined && values[flag].trim() === '')
      throw new UsageError(`--${flag} needs a file name`);
  return { quick: values.quick ?? false, parts, jsonFile: values.json, plotFile: values.plot };
}
