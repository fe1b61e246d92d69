/**
 * Composition root of `sim:gen`: flags → generator → files; progress on a
 * terminal. The only generator module that reads the environment or decides
 * the exit code.
 */
import { basename } from 'node:path';
import { parseFlags, userPath } from '@mdp/schemas';
import { DEFAULT_DOMAIN, loadDomain } from '../domains/index.js';
import { LOCALES, placesFor, WORLD } from '../fake/places.js';
import { seedFromText } from '../fake/random.js';
import { generateDataset } from './write.js';

const GEN_USAGE = `Usage: pnpm sim:gen --out DIR [--domain D] [--scale N] [--seed S] [--locale L]

Writes a domain's starting data into DIR, one CSV file per table. For retail
(the default): customers.csv, products.csv and orders.csv with the shipped
data's columns and quirks (quoted commas and newlines, non-ASCII names, empty
phones, decimals, timestamps with offsets) at N times its size, with names,
addresses and products from faker. Same seed, scale and faker version → the
same bytes. Scale 1 = 1,000 customers, 200 products, 2,000 orders (the shipped
data is --scale 1 --seed 42); scale 500 ≈ 1M orders. For clinic: patients.csv,
appointments.csv, lab_results.csv (scale 1 = 500, 1,500, 1,200 rows).

Options:
  --out DIR    output folder (created if needed; files are overwritten)
  --domain D   retail (default), clinic, or the path of a domain file with a dataset
  --scale N    size factor, a positive number (default 1; 0.1 is allowed)
  --seed S     integer or any text (default 42)
  --locale L   every customer from faker's locale L and its country, products
               named in L too: de, en_GB, ja, fr_CA, ... (a locale that names
               a country); default: a mix of ${WORLD.length} countries
               (${WORLD.map((p) => p.country).join(' ')}), each in its own locale
  -h, --help   this help`;

function parseGenArgs(argv: readonly string[]) {
  const { values } = parseFlags(
    argv,
    {
      out: { type: 'string' },
      domain: { type: 'string', default: DEFAULT_DOMAIN },
      scale: { type: 'string', default: '1' },
      seed: { type: 'string', default: '42' },
      locale: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    (message) => new Error(message),
  );
  const scale = Number(values.scale);
  if (!/^\d+(\.\d+)?$/.test(values.scale) || !(scale > 0)) {
    throw new Error(`--scale ${values.scale}: expected a positive number such as 1, 0.5 or 500`);
  }
  if (values.locale !== undefined && placesFor(values.locale) === undefined) {
    throw new Error(
      `--locale ${values.locale}: expected a faker locale that names its country, one of ${LOCALES.join(', ')}`,
    );
  }
  if (!values.help && values.out === undefined) throw new Error('--out DIR is required');
  return { ...values, scale };
}

export async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseGenArgs(argv);
  } catch (err) {
    process.stderr.write(`sim:gen: ${(err as Error).message}\n${GEN_USAGE}\n`);
    return 2;
  }
  if (args.help || args.out === undefined) {
    process.stdout.write(`${GEN_USAGE}\n`);
    return 0;
  }
  let domain;
  try {
    domain = await loadDomain(args.domain);
  } catch (err) {
    process.stderr.write(`sim:gen: ${(err as Error).message}\n`);
    return 2;
  }
  const out = userPath(args.out);
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  const started = performance.now();
  try {
    const files = await generateDataset({
      domain,
      out,
      seed: seedFromText(args.seed),
      scale: args.scale,
      locale: args.locale,
      onProgress: tty
        ? (file, rows, total) => {
            const now = performance.now();
            if (now - lastDraw < 100 && rows < total) return;
            lastDraw = now;
            process.stderr.write(
              `\rwriting ${file}: ${rows.toLocaleString('en-US')}/${total.toLocaleString('en-US')} rows\x1b[K`,
            );
          }
        : undefined,
    });
    if (tty) process.stderr.write('\r\x1b[K');
    const seconds = (performance.now() - started) / 1000;
    for (const f of files)
      process.stdout.write(`${f.file}: ${f.rows.toLocaleString('en-US')} rows\n`);
    const counts = Object.fromEntries(files.map((f) => [basename(f.file, '.csv'), f.rows]));
    process.stdout.write(`done in ${seconds.toFixed(1)} s (${JSON.stringify(counts)})\n`);
    return 0;
  } catch (err) {
    if (tty) process.stderr.write('\n');
    process.stderr.write(`sim:gen: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
