import { request } from 'node:http';

/** One process as process-compose's REST API reports it (`GET /processes`). */
export interface ProcessState {
  readonly name: string;
  /** Pending, Launching, Launched, Running, Restarting, Terminating, Completed, Skipped, Error, Disabled. */
  readonly status: string;
  /** "Ready", "Not Ready", or "-" when the process has no readiness probe. */
  readonly is_ready: string;
  readonly has_ready_probe: boolean;
  readonly exit_code: number;
  readonly pid: number;
  readonly restarts: number;
  readonly mem: number;
  readonly is_running: boolean;
}

/** process-compose states of a process that is up or coming up. */
export const ACTIVE_STATES: readonly string[] = [
  'Running',
  'Launching',
  'Launched',
  'Restarting',
  'Pending',
];

export interface ProcessComposeClient {
  /** false when nothing listens on the socket. */
  isAlive(): Promise<boolean>;
  processes(): Promise<ProcessState[]>;
  start(name: string): Promise<void>;
  stop(name: string): Promise<void>;
  restart(name: string): Promise<void>;
  /** Stops every process and process-compose itself. */
  shutdown(): Promise<void>;
}

/** A client of process-compose's REST API on its unix socket. */
export function createProcessComposeClient(socketPath: string): ProcessComposeClient {
  const call = (method: string, path: string): Promise<{ status: number; body: string }> =>
    new Promise((resolveCall, reject) => {
      const req = request({ socketPath, method, path, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolveCall({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      });
      req.on('timeout', () =>
        req.destroy(new Error(`process-compose API ${method} ${path} timed out`)),
      );
      req.on('error', reject);
      req.end();
    });
  const expectOk = async (method: string, path: string): Promise<string> => {
    const res = await call(method, path);
    if (res.status < 200 || res.status >= 300) {
      throw new Error(
        `process-compose API ${method} ${path}: HTTP ${res.status} ${res.body.trim()}`,
      );
    }
    return res.body;
  };
  return {
    async isAlive() {
      try {
        return (await call('GET', '/live')).status === 200;
      } catch {
        return false;
      }
    },
    async processes() {
      const body = JSON.parse(await expectOk('GET', '/processes')) as { data: ProcessState[] };
      return body.data;
    },
    async start(name) {
      await expectOk('POST', `/process/start/${encodeURIComponent(name)}`);
    },
    async stop(name) {
      await expectOk('PATCH', `/process/stop/${encodeURIComponent(name)}`);
    },
    async restart(name) {
      await expectOk('POST', `/process/restart/${encodeURIComponent(name)}`);
    },
    async shutdown() {
      try {
        await call('POST', '/project/stop');
      } catch {
        // The server may close the connection while it shuts down.
      }
    },
  };
}
