/**
 * The simulator as a workload (`pnpm sim:run --rate R/s --duration Ns --reset`)
 * and what the parts ask PostgreSQL about it.
 */
import pg from 'pg';
import { readPostgresEnv, topicFor } from '@mdp/schemas';
import { runScript, startScript, failure } from '../adapters/commands.js';
import { CommandError } from '../errors.js';
import { parseSimRunSummary } from '../parse.js';
import { childOptions, type Context } from './context.js';

export const ORDERS_TOPIC = topicFor('orders');

/** Order events: each inserts or updates a row of orders (a new (id, _lsn) in silver). */
const ORDER_EVENT_TYPES = [
  'order_placed',
  'order_paid',
  'order_shipped',
  'order_delivered',
  'order_cancelled',
];

function client(ctx: Context): pg.Client {
  // The bench's context holds stack:env's output: every name is set.
  return new pg.Client({ ...readPostgresEnv(ctx.env).settings, application_name: 'mdp-bench' });
}

async function query<T extends pg.QueryResultRow>(
  ctx: Context,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const c = client(ctx);
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

let tablesChecked = false;

/** Loads data/*.csv with `pnpm sim:load` when the business tables are not there yet. */
export async function ensureTables(ctx: Context): Promise<void> {
  if (tablesChecked) return;
  const [row] = await query<{ t: string | null }>(
    ctx,
    `SELECT to_regclass('public.orders')::text AS t`,
  );
  if (!row?.t) {
    ctx.log.info('no orders table yet: loading data/*.csv with pnpm sim:load');
    await runScript(['sim:load'], childOptions(ctx, 'sim:load', 600_000));
  }
  tablesChecked = true;
}

export interface SimRun {
  /** When sim:run was started and when it exited (epoch ms). */
  readonly startMs: number;
  readonly endMs: number;
  readonly events: number;
  readonly eventsPerSec: number;
}

/** The simulator at `rate` events/s until stopped (SIGTERM finishes the events in flight). */
export function startSim(ctx: Context, rate: number): { done: Promise<void>; stop: () => void } {
  const args = ['sim:run', '--rate', `${rate}/s`, '--reset'];
  const label = `pnpm ${args.join(' ')}`;
  let stopped = false;
  const child = startScript(args, childOptions(ctx, 'sim:run'));
  return {
    stop: () => {
      stopped = true;
      child.stop();
    },
    done: child.done.then((finished) => {
      if (stopped) return;
      throw failure(label, finished) ?? new CommandError(label, 0, 'ended before it was stopped');
    }),
  };
}

/** Runs the simulator at `rate` events/s for `seconds`, a fresh event log each time. */
export async function runSim(ctx: Context, rate: number, seconds: number): Promise<SimRun> {
  const args = [
    'sim:run',
    '--rate',
    `${rate}/s`,
    '--duration',
    `${seconds}s`,
    '--reset',
    '--json',
    '-',
  ];
  const startMs = Date.now();
  const child = startScript(args, childOptions(ctx, 'sim:run', (seconds + 300) * 1000));
  const finished = await child.done;
  const endMs = Date.now();
  const error = failure(`pnpm ${args.join(' ')}`, finished);
  if (error) throw error;
  const summary = parseSimRunSummary(finished.stdout);
  return { startMs, endMs, events: summary.events, eventsPerSec: summary.eventsPerSec };
}

/**
 * The time of the newest order event in the event log (epoch ms): generated on
 * the wall clock just before its commit, so the newest orders change of a run
 * committed at or after it.
 */
export async function lastOrderEventMs(ctx: Context): Promise<number> {
  const [row] = await query<{ ms: string | null }>(
    ctx,
    `SELECT (extract(epoch FROM max(at)) * 1000)::float8::text AS ms FROM sim.event_log WHERE type = ANY($1)`,
    [ORDER_EVENT_TYPES],
  );
  return row?.ms ? Number(row.ms) : NaN;
}
