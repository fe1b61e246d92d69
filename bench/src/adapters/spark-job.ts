/**
 * The Spark job's micro-batches as the bench sees them: its log (`pnpm stack
 * status --json` names the file), where each "batch written" line says when the
 * batch ended, how long it took and how many records of each topic it wrote
 * (spark/mdp_spark/job.py); and the Spark jobs each batch ran, from the Spark UI's
 * REST API (its port is the service's port in the same status).
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { childOptions, type Context } from '../parts/context.js';
import { runScript } from './commands.js';

export interface SparkBatch {
  /** When the batch's writes ended, epoch ms. */
  readonly endMs: number;
  readonly seconds: number;
  readonly records: number;
}

export interface SparkService {
  /** Its log file in the native stack's state directory. */
  readonly logFile: string;
  /** The Spark UI's port. */
  readonly uiPort: number | undefined;
}

export async function sparkService(ctx: Context): Promise<SparkService> {
  const services = JSON.parse(
    await runScript(['stack', 'status', '--json'], childOptions(ctx, 'stack status', 120_000)),
  ) as { name: string; logFile: string; ports?: number[] }[];
  const spark = services.find((s) => s.name === 'spark');
  if (!spark) throw new Error('pnpm stack status --json lists no spark service');
  return { logFile: spark.logFile, uiPort: spark.ports?.[0] };
}

/** The batches of the log `text` (process-compose prefixes each JSON line) that ended in [fromMs, toMs]. */
export function parseBatches(text: string, fromMs: number, toMs: number): SparkBatch[] {
  const batches: SparkBatch[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('"batch written"')) continue;
    let entry: { time?: string; seconds?: number; records?: Record<string, number> };
    try {
      entry = JSON.parse(line.slice(line.indexOf('{'))) as typeof entry;
    } catch {
      continue;
    }
    const endMs = Date.parse(entry.time ?? '');
    if (!(endMs >= fromMs && endMs <= toMs) || typeof entry.seconds !== 'number') continue;
    const records = Object.values(entry.records ?? {}).reduce((sum, n) => sum + n, 0);
    batches.push({ endMs, seconds: entry.seconds, records });
  }
  return batches;
}

export function readBatches(logFile: string, fromMs: number, toMs: number): SparkBatch[] {
  return parseBatches(readFileSync(logFile, 'utf8'), fromMs, toMs);
}

/** The native stack's state directory: the Spark job logs to `<state>/logs/spark.log`. */
export async function stackStateDir(ctx: Context): Promise<string> {
  return dirname(dirname((await sparkService(ctx)).logFile));
}

export interface JobKind {
  /** The job's description with its numbers (versions, file counts) and call site left out. */
  readonly kind: string;
  readonly jobs: number;
  readonly seconds: number;
}

interface UiJob {
  readonly name: string;
  readonly description?: string;
  readonly submissionTime?: string;
  readonly completionTime?: string;
}

/** Spark UI times: "2026-12-03T17:46:58.105GMT". */
const uiTime = (t: string | undefined) => (t ? Date.parse(t.replace(/GMT$/, 'Z')) : NaN);

export function jobKind(job: Pick<UiJob, 'name' | 'description'>): string {
  return (job.description || job.name)
    .split('\n')[0]!
    .replace(/version: ?\d+/g, 'version N')
    .replace(/\d+ files/g, 'K files')
    .replace(/ at (?:\S+\/)?(\S+\.py:\d+)$/, ' at $1')
    .replace(/ at \S+\.(?:java|scala):\d+$/, '')
    .replace(/^mdp-cdc-to-delta$/, 'the micro-batch itself (decode, bronze append)')
    .trim();
}

/** The jobs submitted in [fromMs, toMs] and finished, by kind, the costliest first. */
export function groupJobs(jobs: readonly UiJob[], fromMs: number, toMs: number): JobKind[] {
  const kinds = new Map<string, { jobs: number; seconds: number }>();
  for (const job of jobs) {
    const start = uiTime(job.submissionTime);
    const end = uiTime(job.completionTime);
    if (!(start >= fromMs && start <= toMs && end >= start)) continue;
    const name = jobKind(job);
    const kind = kinds.get(name) ?? { jobs: 0, seconds: 0 };
    kind.jobs += 1;
    kind.seconds += (end - start) / 1000;
    kinds.set(name, kind);
  }
  return [...kinds].map(([kind, k]) => ({ kind, ...k })).sort((a, b) => b.seconds - a.seconds);
}

/** The Spark UI's finished jobs (it keeps the newest 1,000), or undefined when it does not answer. */
export async function fetchJobs(uiPort: number): Promise<UiJob[] | undefined> {
  const base = `http://127.0.0.1:${uiPort}/api/v1/applications`;
  try {
    const apps = (await (await fetch(base, { signal: AbortSignal.timeout(10_000) })).json()) as {
      id: string;
    }[];
    if (!apps[0]) return undefined;
    const url = `${base}/${apps[0].id}/jobs?status=succeeded`;
    return (await (await fetch(url, { signal: AbortSignal.timeout(30_000) })).json()) as UiJob[];
  } catch {
    return undefined;
  }
}
