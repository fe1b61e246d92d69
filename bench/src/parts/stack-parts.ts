/** Memory of each service and the stack's start-up time, through `pnpm stack …`. */
import { readFile } from 'node:fs/promises';
import { runProgram, runScript, startScript, failure } from '../adapters/commands.js';
import { BenchError } from '../errors.js';
import { parseStackUpOutput, processTreeRssKb, pssKbOf, readyEventOf } from '../parse.js';
import { fmt, type Figure } from '../table.js';
import { childOptions, type Context, type PartRunner } from './context.js';

interface ServiceRow {
  readonly name: string;
  readonly status: string;
  readonly pid: number;
  readonly rssBytes: number;
}

export interface ServiceMemory {
  readonly service: string;
  readonly pid: number;
  /** RSS of the pid and its descendants. */
  readonly treeRssBytes: number;
  /**
   * PSS of the pid and its descendants: a page shared by n processes counts 1/n in each,
   * so PostgreSQL's shared buffers count once however many backends map them.
   */
  readonly treePssBytes: number;
  /** RSS of the pid alone (stack status). */
  readonly pidRssBytes: number;
  readonly pids: readonly number[];
}

/** PSS of a process in kB from /proc (Linux); 0 once it has exited. */
async function pssKb(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  return pssKbOf(text) ?? 0;
}

/**
 * RSS and PSS of each running service: `pnpm stack status --json` names its pid (for
 * spark the Python driver, whose JVM is a child; for wrappers their program), and
 * the process tree under it is found with `ps`.
 */
export async function serviceMemory(ctx: Context): Promise<ServiceMemory[]> {
  const text = await runScript(
    ['stack', 'status', '--json'],
    childOptions(ctx, 'stack status', 120_000),
  );
  let rows: ServiceRow[];
  try {
    rows = JSON.parse(text) as ServiceRow[];
  } catch (err) {
    throw new BenchError('BENCH_UNREADABLE', 'pnpm stack status --json did not print JSON', {
      cause: err,
    });
  }
  const ps = await runProgram(
    'ps',
    ['-e', '-o', 'pid=,ppid=,rss='],
    childOptions(ctx, 'ps', 30_000),
  );
  const running = rows.filter((row) => row.status === 'Running' && row.pid > 0);
  return Promise.all(
    running.map(async (row) => {
      const tree = processTreeRssKb(ps, row.pid);
      const pss = await Promise.all(tree.pids.map(pssKb));
      return {
        service: row.name,
        pid: row.pid,
        treeRssBytes: tree.rssKb * 1024,
        treePssBytes: pss.reduce((sum, kb) => sum + kb, 0) * 1024,
        pidRssBytes: row.rssBytes,
        pids: tree.pids,
      };
    }),
  );
}

export const memoryPart: PartRunner = async (ctx) => {
  const figures: Figure[] = [];
  let totalPss = 0;
  let totalRss = 0;
  for (const row of await serviceMemory(ctx)) {
    totalPss += row.treePssBytes;
    totalRss += row.treeRssBytes;
    figures.push({
      name: `memory (PSS): ${row.service}`,
      value: fmt.mb(row.treePssBytes),
      note: `pid ${row.pid} and its ${row.pids.length - 1} descendant(s); their RSS ${fmt.mb(row.treeRssBytes)}`,
      data: { ...row },
    });
  }
  figures.push({
    name: 'memory (PSS): every service',
    value: fmt.mb(totalPss),
    note: `sum of the rows above, measured after the workload parts of this run. PSS counts a page shared by n processes 1/n in each (PostgreSQL's shared buffers once, not once per backend); the sum of RSS would be ${fmt.mb(totalRss)}`,
    data: { totalPssBytes: totalPss, totalRssBytes: totalRss },
  });
  return figures;
};

/**
 * `pnpm stack:down`, then `pnpm stack:up` timed from its start until it exits
 * (every service ready, data kept); each service's time is when stack:up's JSON
 * log line saying it is ready reached the bench.
 */
export const startupPart: PartRunner = async (ctx) => {
  ctx.log.info('startup: pnpm stack:down');
  await runScript(['stack:down'], childOptions(ctx, 'stack:down', 300_000));
  ctx.log.info('startup: timing pnpm stack:up');
  const ready: { service: string; kind: string; ms: number }[] = [];
  const started = Date.now();
  const options = childOptions(ctx, 'stack:up', 1_200_000);
  const child = startScript(['stack:up', '--json'], {
    ...options,
    env: { ...options.env, MDP_LOG_FORMAT: 'json' },
    onStderrLine: (line, at) => {
      options.onStderrLine(line);
      const event = readyEventOf(line);
      if (event) ready.push({ ...event, ms: at - started });
    },
  });
  const finished = await child.done;
  const totalMs = Date.now() - started;
  const error = failure('pnpm stack:up', finished);
  if (error) throw error;
  const own = parseStackUpOutput(finished.stdout).seconds;
  return [
    {
      name: 'start-up: pnpm stack:up after stack:down (data kept)',
      value: fmt.s(totalMs / 1000),
      note: `until every service is ready, pnpm and tsx start included (stack:up's own count: ${fmt.s(own)})`,
      data: { totalMs, stackUpSeconds: own, services: ready },
    },
    ...ready.map((r): Figure => ({
      name: `start-up: ${r.service} ${r.kind === 'done' ? 'done (one-shot)' : 'ready'}`,
      value: `+${fmt.s(r.ms / 1000)}`,
      note: 'after stack:up started (its log line)',
      data: r,
    })),
  ];
};
