import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../src/index.js';
import { RESTART_LIMIT } from '../../src/watchdog/watchdog.js';
import { infraDir, STACK_COMMAND, stackCli } from '../cli.js';

/** The stack the globalSetup started (MDP_STATE / MDP_PORT_OFFSET of this run). */
function status(): ServiceStatus[] {
  const result = stackCli(['status', '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ServiceStatus[];
}

/** A process and all its descendants (the Spark job's JVM is a child of its Python driver). */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim())
      .map(Number);
  } catch {
    // ps exits 1 when there are none
  }
  return [pid, ...children.flatMap(descendants)];
}

describe('the running native stack', () => {
  it('reports every service ready', () => {
    const rows = status();
    expect(rows.map((row) => row.name)).toContain('postgres');
    for (const row of rows)
      expect({ name: row.name, ready: row.ready }).toEqual({ name: row.name, ready: true });
  });

  it('changes nothing when stack:up runs again', () => {
    const before = status().map((row) => [row.name, row.pid]);
    const again = stackCli(['up']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('already up');
    const asJson = stackCli(['up', '--json']);
    expect(asJson.code, asJson.stderr).toBe(0);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ alreadyUp: true, started: [] });
    expect(status().map((row) => [row.name, row.pid])).toEqual(before);
  });

  it('listens on 127.0.0.1 only, every service and every process it started', () => {
    const pids = new Set<number>();
    for (const row of status())
      if (row.pid > 0) descendants(row.pid).forEach((pid) => pids.add(pid));
    const listeners = execFileSync('ss', ['-H', '-ltnp'], { encoding: 'utf8' })
      .split('\n')
      .map((line) => ({
        local: line.trim().split(/\s+/)[3] ?? '',
        pid: Number(/pid=(\d+)/.exec(line)?.[1]),
      }))
      .filter((listener) => pids.has(listener.pid));
    expect(listeners.length).toBeGreaterThanOrEqual(
      status().filter((row) => row.ports.length).length,
    );
    for (const listener of listeners)
      expect(listener.local).toMatch(/^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\]|\[::1\]):\d+$/);
  });

  it('prints settings that psql can use as they are', () => {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('PG')),
    );
    const out = execFileSync(
      'bash',
      [
        '-c',
        `eval "$(${STACK_COMMAND} env)" && psql -X -tA -c "select current_user || '@' || current_database()"`,
      ],
      { env: clean, encoding: 'utf8', cwd: infraDir },
    );
    expect(out.trim()).toBe('mdp@mdp');
  });
});

describe('a port held by another program', () => {
  const state = mkdtempSync(join(tmpdir(), 'mdp-port-test-'));
  const offset = 8500 + Math.floor(Math.random() * 5000); // below the ephemeral ports, see below
  let blocker: Server | undefined;

  afterAll(() => {
    blocker?.close();
    stackCli(['down'], { MDP_STATE: state, MDP_PORT_OFFSET: String(offset) });
    rmSync(state, { recursive: true, force: true });
  });

  it('stops stack:up with PORT_IN_USE naming the port, the service and the setting', async () => {
    const port = 15432 + offset;
    blocker = createServer();
    await new Promise<void>((resolveListen) => blocker!.listen(port, '127.0.0.1', resolveListen));
    const result = stackCli(['up', 'postgres'], {
      MDP_STATE: state,
      MDP_PORT_OFFSET: String(offset),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PORT_IN_USE/);
    expect(result.stderr).toContain(String(port));
    expect(result.stderr).toContain('MDP_PG_PORT');
    // Nothing was started for that state dir.
    expect(stackCli(['status'], { MDP_STATE: state, MDP_PORT_OFFSET: String(offset) }).code).toBe(
      3,
    );
  });
});

describe('a service that keeps crashing', () => {
  // A stack of its own (MinIO and the watchdog): the shared one keeps its MinIO. Its ports
  // stay below the kernel's ephemeral range (32768 and up), where any client's outgoing
  // connection may hold one (CI: "port 50472 … already taken"), and clear of the ports of
  // the test stack (+1000) and of a dev stack (+3000).
  const env = {
    MDP_STATE: mkdtempSync(join(tmpdir(), 'mdp-crash-loop-')),
    MDP_PORT_OFFSET: String(8500 + Math.floor(Math.random() * 5000)),
  };
  const minio = (): ServiceStatus => {
    const result = stackCli(['status', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as ServiceStatus[]).find((row) => row.name === 'minio')!;
  };
  /** Polls until `done` holds for MinIO's status row (a deadline only against hanging). */
  const waitFor = async (what: string, done: (row: ServiceStatus) => boolean) => {
    const deadline = Date.now() + 120_000;
    for (let row = minio(); ; row = minio()) {
      if (done(row)) return row;
      if (Date.now() > deadline) throw new Error(`minio never ${what}: ${JSON.stringify(row)}`);
      await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    }
  };

  afterAll(() => {
    stackCli(['down'], env);
    rmSync(env.MDP_STATE, { recursive: true, force: true });
  });

  it(`is stopped by the watchdog after ${RESTART_LIMIT} restarts within 10 minutes, shown Failed with why and its log, and watched afresh once started by hand`, async () => {
    const up = stackCli(['up', 'minio', 'watchdog'], env);
    expect(up.code, up.stderr).toBe(0);
    let row = minio();
    for (let kills = 0; kills < RESTART_LIMIT; kills++) {
      const pid = row.pid;
      process.kill(pid, 'SIGKILL');
      row = await waitFor(
        'came back or failed',
        (next) => next.status === 'Failed' || (next.status === 'Running' && next.pid !== pid),
      );
    }
    row = await waitFor('was stopped', (next) => next.status === 'Failed');
    expect(row.failure).toContain(`restarted ${RESTART_LIMIT} times within 10 minutes`);
    const human = stackCli(['status'], env).stdout;
    expect(human).toContain(`minio ${row.failure}: see ${row.logFile}`);
    expect(human).toContain('pnpm stack start minio');

    const started = stackCli(['start', 'minio'], env);
    expect(started.code, started.stderr).toBe(0);
    row = await waitFor('ran again', (next) => next.status === 'Running' && next.ready);
    // Watched afresh: the next crash is restarted, not held against it.
    process.kill(row.pid, 'SIGKILL');
    const pid = row.pid;
    row = await waitFor('came back', (next) => next.status === 'Running' && next.pid !== pid);
    expect(row.failure).toBeUndefined();
  });
});
