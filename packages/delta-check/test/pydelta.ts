/**
 * The real Delta writer for the tests: Python `deltalake` (delta-rs) in a venv
 * under the cache (`${MDP_CACHE:-~/.cache/mdp}/pydelta`), created once and
 * reused while test/fixtures/requirements.txt and the versions it takes from
 * infra/versions.env are unchanged.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.join(here, 'fixtures');
const VERSIONS_FILE = path.join(here, '..', '..', '..', 'infra', 'versions.env');
const PINNED = ['DELTALAKE_PY_VERSION', 'PYARROW_VERSION'];

/** The versions requirements.txt names, from infra/versions.env (plain KEY=VALUE lines). */
function pinnedVersions(): Record<string, string> {
  const lines = readFileSync(VERSIONS_FILE, 'utf8').split('\n');
  const versions = Object.fromEntries(
    PINNED.map((key) => [
      key,
      lines.find((line) => line.startsWith(`${key}=`))?.slice(key.length + 1),
    ]),
  );
  const missing = PINNED.filter((key) => !versions[key]);
  if (missing.length > 0) throw new Error(`${VERSIONS_FILE} lacks ${missing.join(', ')}`);
  return versions as Record<string, string>;
}

function venvDir(): string {
  return path.join(process.env.MDP_CACHE ?? path.join(os.homedir(), '.cache', 'mdp'), 'pydelta');
}

export function ensurePyDelta(): string {
  const venv = venvDir();
  const python = path.join(venv, 'bin', 'python');
  const requirements = path.join(FIXTURES, 'requirements.txt');
  const versions = pinnedVersions();
  const digest = createHash('sha256')
    .update(readFileSync(requirements))
    .update(JSON.stringify(versions))
    .digest('hex');
  const marker = path.join(venv, '.mdp-requirements');
  if (existsSync(python) && existsSync(marker) && readFileSync(marker, 'utf8') === digest)
    return python;
  const run = (cmd: string, args: string[]) =>
    execFileSync(cmd, args, {
      env: { ...process.env, ...versions },
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 600_000,
    });
  if (!existsSync(python)) run('python3', ['-m', 'venv', venv]);
  run(python, [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '-r',
    requirements,
  ]);
  writeFileSync(marker, digest);
  return python;
}

export interface OracleTable {
  version: number;
  columns: string[];
  rows: Record<string, string | null>[];
}

/** Writes fixture tables under `root` (a directory or s3:// URL) and returns deltalake's own reading of each. */
export function writeTables(
  python: string,
  root: string,
  tables: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Record<string, OracleTable> {
  const out = execFileSync(python, [path.join(FIXTURES, 'write_tables.py'), root, ...tables], {
    encoding: 'utf8',
    env,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 300_000,
  });
  return JSON.parse(out) as Record<string, OracleTable>;
}
