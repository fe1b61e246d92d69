/** The benches the packages already have, run as they are and read from their JSON (`--json -`). */
import { runScript } from '../adapters/commands.js';
import { parseLoadOutput, parseSimSpeedOutput, parseValidateOutput } from '../parse.js';
import { fmt, type Figure } from '../table.js';
import { childOptions, type PartRunner } from './context.js';

const rowsPerSec = (x: number) => `${fmt.int(x)} rows/s`;

/** `pnpm bench:load` (quick: --scale 5, about 10k orders). */
export const loadPart: PartRunner = async (ctx) => {
  const args = ['bench:load', ...(ctx.quick ? ['--scale', '5'] : []), '--json', '-'];
  const f = parseLoadOutput(await runScript(args, childOptions(ctx, 'bench:load', 3_600_000)));
  const baseline = `${rowsPerSec(f.psql.rowsPerSec)} (psql \\copy)`;
  return [
    {
      name: `sim:load COPY pass, orders.csv (${fmt.int(f.orderRows)} rows)`,
      value: rowsPerSec(f.copyPass.rowsPerSec),
      baseline,
      note: `ratio ${f.copyPass.ratio.toFixed(2)} of psql; ${f.copyPass.path} path; \`pnpm ${args.join(' ')}\``,
      data: { ...f.copyPass, baselineRowsPerSec: f.psql.rowsPerSec, rows: f.orderRows },
    },
    {
      name: 'sim:load scan (type inference) + COPY, orders.csv',
      value: rowsPerSec(f.scanAndCopy.rowsPerSec),
      baseline,
      note: `ratio ${f.scanAndCopy.ratio.toFixed(2)} of psql (which infers nothing)`,
      data: { ...f.scanAndCopy, baselineRowsPerSec: f.psql.rowsPerSec },
    },
    {
      name: `whole sim:load, 3 tables (${fmt.int(f.wholeLoad.rows)} rows)`,
      value: rowsPerSec(f.wholeLoad.rowsPerSec),
      note: `${fmt.s(f.wholeLoad.seconds)} with keys, ANALYZE and commit`,
      data: { ...f.wholeLoad },
    },
  ];
};

/** `pnpm bench:sim --part speed --seconds 5` (quick: 2 s a run). */
export const simPart: PartRunner = async (ctx) => {
  const seconds = ctx.quick ? 2 : 5;
  const args = ['bench:sim', '--part', 'speed', '--seconds', String(seconds), '--json', '-'];
  const runs = parseSimSpeedOutput(await runScript(args, childOptions(ctx, 'bench:sim', 900_000)));
  const [base, ...rest] = runs;
  const baseline = `${fmt.int(base!.eventsPerSec)} events/s (concurrency 1, 1 event a round trip)`;
  return rest.map((r): Figure => ({
    name: `simulator full speed, concurrency ${r.concurrency}, ${r.batchSize} event(s) a round trip, sync-commit ${r.syncCommit ? 'on' : 'off'}`,
    value: `${fmt.int(r.eventsPerSec)} events/s`,
    baseline,
    note: `${(r.eventsPerSec / base!.eventsPerSec).toFixed(1)}× baseline; ${seconds} s a run, one transaction per event`,
    data: { ...r, baselineEventsPerSec: base!.eventsPerSec },
  }));
};

/** `pnpm bench:validate` (quick: --records 5000). */
export const validatePart: PartRunner = async (ctx) => {
  const args = ['bench:validate', ...(ctx.quick ? ['--records', '5000'] : []), '--json', '-'];
  const f = parseValidateOutput(
    await runScript(args, childOptions(ctx, 'bench:validate', 900_000)),
  );
  return [
    {
      name: `validator decode + check (${fmt.int(f.records)} records)`,
      value: `${fmt.int(f.checkedPerSec)} records/s`,
      baseline: `${fmt.int(f.plainPerSec)} records/s (plain kafkajs, no decoding)`,
      note: `ratio ${f.ratio.toFixed(2)}`,
      data: { ...f },
    },
  ];
};
