import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../src/index.js';
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
  const offset = 30000 + Math.floor(Math.random() * 1000);
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
