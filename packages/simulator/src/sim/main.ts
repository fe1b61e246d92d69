/**
 * Composition root of `sim:run`: flags and environment → logger → store →
 * simulation; signals; progress and summary. The only simulator-engine module
 * that reads the environment or decides the exit code.
 */
import { cliLogger, readPostgresWriterEnv, STACK_ENV_HINT, writeResult } from '@mdp/schemas';
import { loadDomain } from '../domains/index.js';
import { parseRunArgs, USAGE } from './args.js';
import { SimError } from './errors.js';
import { createSimStore } from './pg-store.js';
import { runSimulation, type Progress, type SimulationSummary } from './simulator.js';

export async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseRunArgs(argv);
  } catch (err) {
    process.stderr.write(`sim:run: ${(err as Error).message}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const env = process.env;
  const postgres = readPostgresWriterEnv(env);
  if (postgres.problems.length > 0) {
    process.stderr.write(`sim:run: ${postgres.problems.join('; ')}; ${STACK_ENV_HINT}\n`);
    return 2;
  }
  const logger = cliLogger('sim:run', {
    defaultLevel: 'info',
    base: { component: 'sim-run' },
    env,
  });
  let domain;
  try {
    domain = await loadDomain(args.domain);
  } catch (err) {
    const code = err instanceof SimError ? `${err.code}: ` : '';
    process.stderr.write(`sim:run: ${code}${(err as Error).message}\n`);
    return 2;
  }
  const store = createSimStore({
    domain,
    connection: postgres.settings,
    schema: args.schema,
    simSchema: args.simSchema,
    concurrency: args.concurrency,
    synchronousCommit: args.syncCommit,
  });

  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(130); // second Ctrl-C: give up at once
    // While PostgreSQL is unreachable this ends the reconnecting at once (exit 1).
    logger.info({ signal }, 'stopping: finishing the events in flight');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const tty = process.stderr.isTTY;
  try {
    const summary = await runSimulation({
      domain,
      store,
      seed: args.seed,
      reset: args.reset,
      rate: args.rate,
      concurrency: args.concurrency,
      events: args.events,
      durationMs: args.durationMs,
      reconnect: { giveUpAfterMs: args.giveUpAfterMs },
      signal: stop.signal,
      logger,
      onProgress: tty ? (p) => process.stderr.write(`\r${progressLine(p)}\x1b[K`) : undefined,
    });
    if (tty) process.stderr.write('\r\x1b[K');
    await writeResult(args.json, summary, summaryText(summary));
    return 0;
  } catch (err) {
    if (tty) process.stderr.write('\n');
    const code = err instanceof SimError ? err.code : 'SIM_UNEXPECTED';
    // the line below says it once; the logger adds the stack of an unexpected error only
    if (!(err instanceof SimError)) logger.error({ err, code }, 'simulation failed');
    process.stderr.write(`sim:run: ${code}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function progressLine(p: Progress): string {
  return `sim:run  seq ${p.lastSeq}  applied ${p.applied}  ${p.ratePerSec.toFixed(1)} ev/s  in flight ${p.inFlight}  ${(p.elapsedMs / 1000).toFixed(1)} s`;
}

function summaryText(s: SimulationSummary): string {
  const width = Math.max(20, ...Object.keys(s.byType).map((type) => type.length));
  const types = Object.entries(s.byType)
    .sort(([, a], [, b]) => b - a)
    .map(([type, n]) => `  ${type.padEnd(width)} ${n}`)
    .join('\n');
  return [
    `sim:run: ${s.applied} events in ${(s.elapsedMs / 1000).toFixed(2)} s = ${s.ratePerSec.toFixed(1)} events/s (stopped by ${s.stoppedBy})`,
    `  seed ${s.seed}, log seq ${s.resumedAfter + 1}..${s.lastSeq}${s.recovered ? `, ${s.recovered} recovered after a crash` : ''}` +
      (s.reconnects ? `, ${s.reconnects} reconnects after a lost PostgreSQL connection` : ''),
    types,
    '',
  ].join('\n');
}
