/**
 * Composition root of `pnpm bench`: flags → logger → the stack (started when it
 * is not running) → every chosen part in order → one table on stdout (and JSON).
 * A part that fails is reported in its row; the others still run; exit 1 then.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { plotPage } from '@mdp/console';
import { parseStackEnv, writeResult } from '@mdp/schemas';
import { runScript } from './adapters/commands.js';
import { stackStateDir } from './adapters/spark-job.js';
import { parseBenchArgs, USAGE, type Part } from './args.js';
import { flagsOrExit, startCli } from './cli.js';
import { BenchError } from './errors.js';
import { historyDir, keepReport, previousReport } from './history.js';
import { cdcLagPart } from './parts/cdc-lag.js';
import { childOptions, type Context, type PartRunner } from './parts/context.js';
import { freshnessPart } from './parts/freshness.js';
import { loadPart, simPart, validatePart } from './parts/platform-benches.js';
import { memoryPart, startupPart } from './parts/stack-parts.js';
import { sustainedPart } from './parts/sustained.js';
import { benchPlot } from './plot.js';
import { renderReport, type PartResult, type Report } from './table.js';

const RUNNERS: Record<Part, PartRunner> = {
  load: loadPart,
  sim: simPart,
  validate: validatePart,
  'cdc-lag': cdcLagPart,
  freshness: freshnessPart,
  sustained: sustainedPart,
  memory: memoryPart,
  startup: startupPart,
};

const errorOf = (err: unknown) => ({
  code: err instanceof BenchError ? err.code : 'BENCH_UNEXPECTED',
  message: err instanceof Error ? err.message : String(err),
});

/** Exit codes: 0 every part measured, 1 a part failed, 2 bad usage. */
export async function main(argv: readonly string[]): Promise<number> {
  const args = flagsOrExit('bench', USAGE, () => parseBenchArgs(argv));
  if (typeof args === 'number') return args;
  const { log, end } = startCli('bench');

  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const date = new Date().toISOString();
  const loadAverageStart = loadavg();
  const base: Context = { repoRoot, env: { ...process.env }, quick: args.quick, log };
  log.info({ parts: args.parts, quick: args.quick }, 'bench: starting');

  let ctx: Context | undefined;
  let history: string | undefined;
  let stackError: { code: string; message: string } | undefined;
  try {
    log.info('bench: pnpm stack:up (a no-op when the stack is up)');
    await runScript(['stack:up'], childOptions(base, 'stack:up', 1_200_000));
    const stackEnv = parseStackEnv(
      await runScript(['stack:env'], childOptions(base, 'stack:env', 120_000)),
    );
    ctx = { ...base, env: { ...process.env, ...stackEnv } };
    history = historyDir(await stackStateDir(ctx));
  } catch (err) {
    stackError = errorOf(err);
    log.error({ err }, 'bench: the stack did not come up');
  }

  const previous = history ? await previousReport(history, args.quick) : undefined;
  const parts: PartResult[] = [];
  for (const part of args.parts) {
    const started = Date.now();
    if (!ctx) {
      parts.push({ part, ok: false, seconds: 0, figures: [], error: stackError! });
      continue;
    }
    log.info({ part }, 'bench: part started');
    try {
      const figures = await RUNNERS[part](ctx);
      parts.push({ part, ok: true, seconds: (Date.now() - started) / 1000, figures });
      log.info({ part, seconds: Math.round((Date.now() - started) / 1000) }, 'bench: part done');
    } catch (err) {
      parts.push({
        part,
        ok: false,
        seconds: (Date.now() - started) / 1000,
        figures: [],
        error: errorOf(err),
      });
      log.error({ part, err }, 'bench: part failed');
    }
  }

  const report: Report = {
    date,
    nproc: availableParallelism(),
    loadAverageStart,
    loadAverageEnd: loadavg(),
    quick: args.quick,
    parts,
  };
  await writeResult(args.jsonFile, report, renderReport(report, previous));
  if (args.plotFile) {
    writeFileSync(args.plotFile, plotPage(benchPlot(report, previous)));
    log.info({ file: args.plotFile }, 'bench: charts written');
  }
  if (history) log.info({ file: await keepReport(history, report) }, 'bench: run kept');
  end();
  return parts.every((p) => p.ok) ? 0 : 1;
}
