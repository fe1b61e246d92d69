/** `pnpm soak` flags (parseFlags of @mdp/schemas: an unknown flag is refused with the allowed ones). */
import { parseFlags } from '@mdp/schemas';
import { UsageError } from '../errors.js';

export const SOAK_USAGE = `Usage: pnpm soak [--minutes N] [--rate R] [--fault-every M] [--json FILE] [--plot FILE]
       pnpm soak --from RUN.json --plot FILE

Runs the whole native stack of $MDP_STATE (started with pnpm stack:up when it is
not running) under the simulator for a long time, with a fault every few
minutes (kill -9 of Connect, of the Spark JVM, of PostgreSQL; Kafka and the
registry restarted; MinIO stopped for 15 s), one after the other. Every minute it
samples each service's memory and the files of each Delta table. At the end it
stops the simulator and takes both verdicts (pnpm validate, pnpm delta:check
--bronze), then prints its figures. Not part of the test command.

Options:
  --minutes N      how long the simulator runs (default 60)
  --rate R         simulator events per second (default 200)
  --fault-every M  minutes between two faults (default 5)
  --json FILE      also write every sample and figure as JSON to FILE; - puts them alone on stdout
  --plot FILE      also draw the samples as charts in FILE (one HTML page, no network needed):
                   memory per service, files per Delta table, each fault's recovery
  --from RUN.json  no run: draw the run a --json FILE kept (with --plot)
  -h, --help       this help

Progress goes to stderr, the figures to stdout. Exit 0 when both verdicts
passed, 1 when one failed or a fault did not recover, 2 bad usage.`;

const FLAGS = {
  minutes: { type: 'string', default: '60' },
  rate: { type: 'string', default: '200' },
  'fault-every': { type: 'string', default: '5' },
  json: { type: 'string' },
  plot: { type: 'string' },
  from: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface SoakArgs {
  readonly minutes: number;
  readonly rate: number;
  readonly faultEveryMinutes: number;
  readonly json?: string;
  readonly plot?: string;
  readonly from?: string;
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`--${name} wants a positive number, got "${text}"`);
  return value;
}

export function parseSoakArgs(argv: readonly string[]): SoakArgs | 'help' {
  const { values } = parseFlags(argv, FLAGS, (message) => new UsageError(message));
  if (values.help) return 'help';
  if (values.from !== undefined && values.plot === undefined)
    throw new UsageError('--from draws a kept run: it needs --plot FILE');
  return {
    minutes: positive('minutes', values.minutes),
    rate: positive('rate', values.rate),
    faultEveryMinutes: positive('fault-every', values['fault-every']),
    ...(values.json === undefined ? {} : { json: values.json }),
    ...(values.plot === undefined ? {} : { plot: values.plot }),
    ...(values.from === undefined ? {} : { from: values.from }),
  };
}
