#!/usr/bin/env -S npx tsx
/**
 * `pnpm bench:load [--scale N] [--seed S]`: generates a dataset (scale 500 ≈
 * 1M orders), loads it with our loader (scan pass + COPY through
 * pg-copy-streams) and, in the same run, loads orders.csv with `psql \copy`
 * into an identical table, then prints both rates and their ratio (`--json FILE`
 * or `-`: the same figures as JSON).
 * Reads PG* from the environment (eval "$(pnpm -s stack:env)").
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { writeResult } from '@mdp/schemas';
import { generateDataset } from '../src/generate/write.js';
import { createLoader, listCsvFiles } from '../src/load/loader.js';
import { BENCH_LOAD_USAGE, benchArgs, parseBenchLoadArgs } from './bench-args.js';

const perSec = (rows: number, seconds: number) => Math.round(rows / seconds);
const rate = (rows: number, seconds: number) =>
  `${perSec(rows, seconds).toLocaleString('en-US')} rows/s`;

function psqlCopy(table: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'psql',
      [
        '-X',
        '-v',
        'ON_ERROR_STOP=1',
        '-q',
        '-c',
        `\\copy ${table} FROM '${file.replaceAll("'", "''")}' WITH (FORMAT csv, HEADER true)`,
      ],
      { stdio: ['ignore', 2, 'inherit'] }, // stdout stays the result's
    );
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`psql exited with ${code}`)),
    );
  });
}

async function main(argv: string[]): Promise<number> {
  const args = benchArgs('bench:load', BENCH_LOAD_USAGE, () => parseBenchLoadArgs(argv));
  if (typeof args === 'number') return args;
  const { scale, seed, json } = args;
  if (!process.env.PGHOST) {
    process.stderr.write('bench:load: PGHOST is not set; run eval "$(pnpm -s stack:env)" first\n');
    return 2;
  }

  const dir = await mkdtemp(join(tmpdir(), 'mdp-bench-load-'));
  const suffix = randomBytes(4).toString('hex');
  const ours = `bench_load_${suffix}`;
  const baseline = `bench_psql_${suffix}`;
  const client = new pg.Client();
  await client.connect();
  try {
    process.stderr.write(`generating scale ${scale} into ${dir} ...\n`);
    let started = performance.now();
    const generated = await generateDataset({ out: dir, seed, scale });
    const genSeconds = (performance.now() - started) / 1000;
    const totalRows = generated.reduce((sum, f) => sum + f.rows, 0);
    const orderRows = generated.find((f) => f.file.endsWith('orders.csv'))!.rows;
    process.stderr.write(
      `generated ${totalRows.toLocaleString('en-US')} rows in ${genSeconds.toFixed(1)} s\n`,
    );

    process.stderr.write(
      'loading with sim:load (scan + COPY via pg-copy-streams, one transaction) ...\n',
    );
    started = performance.now();
    const reports = await createLoader({ client }).load({
      files: await listCsvFiles(dir),
      schema: ours,
    });
    const loadSeconds = (performance.now() - started) / 1000;
    const orders = reports.find((r) => r.table === 'orders')!;

    process.stderr.write('loading orders.csv with psql \\copy into an identical table ...\n');
    await client.query(`CREATE SCHEMA ${baseline}`);
    await client.query(`CREATE TABLE ${baseline}.orders (LIKE ${ours}.orders INCLUDING ALL)`);
    await client.query(`ALTER TABLE ${baseline}.orders DROP CONSTRAINT IF EXISTS orders_pkey`);
    started = performance.now();
    await psqlCopy(`${baseline}.orders`, join(dir, 'orders.csv'));
    const psqlSeconds = (performance.now() - started) / 1000;
    const check = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${baseline}.orders`);
    if (Number(check.rows[0]!.n) !== orderRows)
      throw new Error(`psql loaded ${check.rows[0]!.n} rows, expected ${orderRows}`);

    const ourCopy = orders.copySeconds;
    const ourTotal = orders.scanSeconds + orders.copySeconds;
    const figures = {
      orderRows,
      psql: { seconds: psqlSeconds, rowsPerSec: perSec(orderRows, psqlSeconds) },
      copyPass: {
        path: orders.copyPath,
        seconds: ourCopy,
        rowsPerSec: perSec(orderRows, ourCopy),
        ratio: psqlSeconds / ourCopy,
      },
      scanAndCopy: {
        seconds: ourTotal,
        rowsPerSec: perSec(orderRows, ourTotal),
        ratio: psqlSeconds / ourTotal,
      },
      wholeLoad: {
        rows: totalRows,
        seconds: loadSeconds,
        rowsPerSec: perSec(totalRows, loadSeconds),
      },
      generation: {
        rows: totalRows,
        seconds: genSeconds,
        rowsPerSec: perSec(totalRows, genSeconds),
      },
    };
    const human = [
      `orders.csv: ${orderRows.toLocaleString('en-US')} rows`,
      `  psql \\copy (baseline, no inference):   ${psqlSeconds.toFixed(2)} s  ${rate(orderRows, psqlSeconds)}`,
      `  sim:load COPY pass (${orders.copyPath} path):      ${ourCopy.toFixed(2)} s  ${rate(orderRows, ourCopy)}  ratio ${figures.copyPass.ratio.toFixed(2)} of psql`,
      `  sim:load scan+COPY (both passes):       ${ourTotal.toFixed(2)} s  ${rate(orderRows, ourTotal)}  ratio ${figures.scanAndCopy.ratio.toFixed(2)} of psql`,
      `whole sim:load of ${totalRows.toLocaleString('en-US')} rows in 3 tables (with keys, ANALYZE, commit): ${loadSeconds.toFixed(1)} s, ${rate(totalRows, loadSeconds)}`,
      `generation: ${rate(totalRows, genSeconds)}`,
      '',
    ].join('\n');
    await writeResult(json, figures, human);
    return 0;
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${ours} CASCADE`).catch(() => undefined);
    await client.query(`DROP SCHEMA IF EXISTS ${baseline} CASCADE`).catch(() => undefined);
    await client.end();
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main(process.argv.slice(2));
