/**
 * Composition root of `pnpm soak`: the stack (started when it is not running), the
 * simulator for the whole run, a fault every few minutes, a sample every minute,
 * then both verdicts and one table of figures on stdout (and JSON).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { plotPage } from '@mdp/console';
import { BUSINESS_TABLES, parseStackEnv, writeResult } from '@mdp/schemas';
import { failure, runScript, startScript, type Finished } from '../adapters/commands.js';
import { flagsOrExit, startCli } from '../cli.js';
import { CommandError } from '../errors.js';
import { childOptions, type Context } from '../parts/context.js';
import { ensureTables, startSim } from '../parts/workload.js';
import { fmt, formatLoad, markdownTable } from '../table.js';
import { parseSoakArgs, SOAK_USAGE, type SoakArgs } from './args.js';
import { FAULTS } from './faults.js';
import { stackStateDir } from '../adapters/spark-job.js';
import { soakPlot, type FaultRun, type SoakRun, type Verdicts } from './plot.js';
import { lakePaths, takeSample, type Sample } from './samples.js';

const SAMPLE_EVERY_MS = 60_000;

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** The JSON report a verdict wrote, or why there is none (the command's exit and stderr). */
function readReport<T>(file: string, label: string, finished: Finished): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    throw (
      failure(label, finished) ?? new CommandError(label, finished.code, 'wrote no JSON report')
    );
  }
}

async function takeVerdicts(ctx: Context, workDir: string): Promise<Verdicts> {
  const tables = BUSINESS_TABLES.join(',');
  const validateFile = join(workDir, 'validate.json');
  ctx.log.info('soak: pnpm validate');
  const validated = await startScript(
    ['validate', '--tables', tables, '--timeout', '900', '--json', validateFile],
    childOptions(ctx, 'validate', 1_800_000),
  ).done;
  const report = readReport<{
    ok: boolean;
    tables: { duplicates: number; missing?: number }[];
    eventLog?: { missing: number };
  }>(validateFile, 'pnpm validate', validated);
  // The lake lags the stream by a few micro-batches: a difference is retried for 30 minutes.
  const deltaFile = join(workDir, 'delta.json');
  const deadline = Date.now() + 1_800_000;
  let lake: { equal: boolean; tables: { lakePath: string; duplicateKeys: number }[] };
  for (;;) {
    ctx.log.info('soak: pnpm delta:check --bronze');
    const checked = await startScript(
      ['delta:check', '--bronze', '--tables', tables, '--json', deltaFile, '--log-level', 'warn'],
      childOptions(ctx, 'delta:check', 1_800_000),
    ).done;
    lake = readReport<typeof lake>(deltaFile, 'pnpm delta:check', checked);
    if (checked.code === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 10_000));
  }
  return {
    validateOk: validated.code === 0 && report.ok,
    lost: sum(report.tables.map((t) => t.missing ?? 0)) + (report.eventLog?.missing ?? 0),
    kafkaDuplicates: sum(report.tables.map((t) => t.duplicates)),
    lakeEqual: lake.equal,
    silverDuplicates: sum(
      lake.tables.filter((t) => t.lakePath.startsWith('silver/')).map((t) => t.duplicateKeys),
    ),
  };
}

function render(
  args: SoakArgs,
  samples: readonly Sample[],
  faults: readonly FaultRun[],
  v: Verdicts,
) {
  const rows: string[][] = [
    ['lost (validate: missing rows + events without their change)', String(v.lost)],
    ['duplicates in silver (delta:check)', String(v.silverDuplicates)],
    ['duplicates in Kafka (at-least-once, allowed)', String(v.kafkaDuplicates)],
    [
      'validate / delta:check',
      `${v.validateOk ? 'consistent' : 'INCONSISTENT'} / ${v.lakeEqual ? 'equal' : 'NOT EQUAL'}`,
    ],
  ];
  for (const f of faults)
    rows.push([
      `fault at ${fmt.s(f.at, 0)}: ${f.name}`,
      f.error ? `FAILED: ${f.error}` : `back in ${fmt.s(f.recoverySeconds)}`,
    ]);
  const first = samples[0];
  const last = samples.at(-1);
  if (first && last) {
    for (const service of Object.keys(last.memoryBytes)) {
      const seen = samples.map((s) => s.memoryBytes[service] ?? 0);
      rows.push([
        `memory: ${service} (first / last / max)`,
        [first.memoryBytes[service] ?? 0, last.memoryBytes[service]!, Math.max(...seen)]
          .map(fmt.mb)
          .join(' / '),
      ]);
    }
    for (const path of Object.keys(last.files)) {
      const active = samples.map((s) => s.files[path]?.active ?? 0);
      rows.push([
        `files of ${path}: read by its version (last / max); stored`,
        `${last.files[path]!.active} / ${Math.max(...active)}; ${last.files[path]!.stored}`,
      ]);
    }
  }
  return `Soak: ${args.minutes} min at ${args.rate} events/s, a fault every ${args.faultEveryMinutes} min\n\n${markdownTable(['figure', 'value'], rows)}\n`;
}

/** Exit codes: 0 both verdicts passed and every fault recovered, 1 otherwise, 2 bad usage. */
export async function main(argv: readonly string[]): Promise<number> {
  const args = flagsOrExit('soak', SOAK_USAGE, () => parseSoakArgs(argv));
  if (typeof args === 'number') return args;
  if (args.from !== undefined) {
    writeFileSync(
      args.plot!,
      plotPage(soakPlot(JSON.parse(readFileSync(args.from, 'utf8')) as SoakRun)),
    );
    return 0;
  }
  const { log, end } = startCli('soak');

  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const base: Context = { repoRoot, env: { ...process.env }, quick: false, log };
  log.info('soak: pnpm stack:up (a no-op when the stack is up)');
  await runScript(['stack:up'], childOptions(base, 'stack:up', 1_200_000));
  const stackEnv = parseStackEnv(await runScript(['stack:env'], childOptions(base, 'stack:env')));
  const ctx: Context = { ...base, env: { ...process.env, ...stackEnv } };
  await ensureTables(ctx);

  const workDir = mkdtempSync(join(tmpdir(), 'mdp-soak-'));
  const loadStart = loadavg();
  const started = Date.now();
  const endMs = started + args.minutes * 60_000;
  const where = {
    startedMs: started,
    stateDir: await stackStateDir(ctx),
    paths: lakePaths(BUSINESS_TABLES),
  };
  const samples: Sample[] = [];
  const faults: FaultRun[] = [];
  const sim = startSim(ctx, args.rate);
  let simError: unknown;
  sim.done.catch((err: unknown) => (simError = err));
  log.info({ minutes: args.minutes, rate: args.rate }, 'soak: simulator started');
  let nextSample = started;
  let nextFault = started + args.faultEveryMinutes * 60_000;
  try {
    while (Date.now() < endMs && simError === undefined) {
      if (Date.now() >= nextSample) {
        samples.push(await takeSample(ctx, where));
        nextSample += SAMPLE_EVERY_MS;
      }
      if (Date.now() >= nextFault && Date.now() < endMs) {
        const fault = FAULTS[faults.length % FAULTS.length]!;
        const at = Date.now();
        log.info({ fault: fault.name }, 'soak: injecting a fault');
        let error: string | undefined;
        try {
          await fault.inject(ctx);
        } catch (err) {
          error = err instanceof Error ? err.message : String(err);
          log.error({ fault: fault.name, err: error }, 'soak: the platform did not recover');
        }
        const recoverySeconds = (Date.now() - at) / 1000;
        faults.push({
          name: fault.name,
          at: Math.round((at - started) / 1000),
          recoverySeconds,
          ...(error ? { error } : {}),
        });
        nextFault += args.faultEveryMinutes * 60_000;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    sim.stop();
    await sim.done.catch(() => undefined);
  }
  if (simError !== undefined) log.error({ err: simError }, 'soak: the simulator ended early');
  samples.push(await takeSample(ctx, where));
  const verdicts = await takeVerdicts(ctx, workDir);
  const run: SoakRun = { args, samples, faults, verdicts, loadStart, loadEnd: loadavg() };
  if (args.plot) writeFileSync(args.plot, plotPage(soakPlot(run)));
  await writeResult(
    args.json,
    run,
    render(args, samples, faults, verdicts) +
      `\nload average at the start ${formatLoad(run.loadStart)}, at the end ${formatLoad(run.loadEnd)} (${availableParallelism()} cores)\n`,
  );
  rmSync(workDir, { recursive: true, force: true });
  end();
  const ok =
    verdicts.validateOk &&
    verdicts.lakeEqual &&
    verdicts.silverDuplicates === 0 &&
    simError === undefined &&
    faults.every((f) => f.error === undefined);
  return ok ? 0 : 1;
}
