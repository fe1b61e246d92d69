/**
 * The console service: the page (web/), the chart library it uses, and the
 * pipeline's status as JSON, refreshed every `intervalMs` by the same gatherer
 * and judge as `pnpm pipeline:status`. Plain node:http, no build step: the
 * page's files are served as they are in the repository.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Gatherer } from '../gather.js';
import { judge, type PipelineStatus } from '../judge.js';
import { jsonReplacer } from '@mdp/validator';
import type { ChangeReader, ChangeRow } from './changes.js';
import { createHistory } from './history.js';

export interface ConsoleOptions {
  readonly gatherer: Gatherer;
  readonly host: string;
  readonly port: number;
  /** Other pages worth a link (MinIO's console, the Spark UI). */
  readonly links: Readonly<Record<string, string>>;
  readonly intervalMs: number;
  /** Reads a table's newest changes; undefined when the registry's address is not set. */
  readonly changes?: ChangeReader;
  readonly log: Logger;
}

export interface ConsoleServer {
  readonly url: string;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
const FILES: Record<string, string> = {
  '/': fileURLToPath(new URL('../../web/index.html', import.meta.url)),
  '/app.js': fileURLToPath(new URL('../../web/app.js', import.meta.url)),
  '/charts.js': fileURLToPath(new URL('../../web/charts.js', import.meta.url)),
  '/style.css': fileURLToPath(new URL('../../web/style.css', import.meta.url)),
  '/vendor/uPlot.iife.min.js': require.resolve('uplot/dist/uPlot.iife.min.js'),
  '/vendor/uPlot.min.css': require.resolve('uplot/dist/uPlot.min.css'),
};
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export async function startConsole(options: ConsoleOptions): Promise<ConsoleServer> {
  const { gatherer, log } = options;
  const history = createHistory();
  let latest: PipelineStatus | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const refresh = async (): Promise<void> => {
    try {
      latest = judge(await gatherer.gather());
      history.add(latest);
    } catch (err) {
      log.error({ err }, 'refresh failed'); // a probe's own failure is part of the status, not this
    }
    if (!stopped) timer = setTimeout(() => void refresh(), options.intervalMs);
  };
  await refresh();

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ err, url: req.url }, 'request failed');
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error; see the console log');
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://console').pathname;
    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'GET only');
    if (path === '/healthz')
      return send(res, latest ? 200 : 503, 'text/plain', latest ? 'ok' : 'starting');
    if (path === '/api/status')
      return send(
        res,
        200,
        'application/json',
        JSON.stringify({ status: latest, links: options.links }),
      );
    if (path === '/api/changes') return sendChanges(res, new URL(req.url!, 'http://console'));
    if (path === '/api/history')
      return send(res, 200, 'application/json', JSON.stringify(history.snapshot()));
    const file = FILES[path];
    if (!file) return send(res, 404, 'text/plain', 'not found');
    send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file));
  };

  // One read per topic at a time, its answer shared for a second: any number of open pages cost one consumer.
  const reads = new Map<string, { at: number; rows: Promise<ChangeRow[]> }>();
  const sendChanges = async (res: ServerResponse, url: URL): Promise<void> => {
    if (!options.changes)
      return send(res, 503, 'text/plain', 'SCHEMA_REGISTRY_URL is not set: no decoded changes');
    const table = url.searchParams.get('table') ?? '';
    const topic = latest?.tables.find((t) => t.table === table)?.topic;
    if (!topic) return send(res, 404, 'text/plain', `no captured table "${table}"`);
    const limit = Math.min(100, Math.max(1, Number(url.searchParams.get('limit')) || 20));
    const key = `${topic}/${limit}`;
    let read = reads.get(key);
    if (!read || Date.now() - read.at > 1000) {
      read = { at: Date.now(), rows: options.changes.newest(topic, limit) };
      reads.set(key, read);
    }
    try {
      send(res, 200, 'application/json', JSON.stringify(await read.rows, jsonReplacer));
    } catch (err) {
      reads.delete(key);
      log.warn({ err, topic }, 'reading the newest changes failed');
      send(res, 503, 'text/plain', `could not read ${topic}: ${(err as Error).message}`);
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const url = `http://${options.host}:${options.port}`;
  log.info({ url }, 'ready');
  return {
    url,
    async close() {
      stopped = true;
      clearTimeout(timer);
      await new Promise((resolve) => server.close(resolve));
      await gatherer.close();
    },
  };
}

function send(res: ServerResponse, code: number, type: string, body: string | Buffer): void {
  res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}
