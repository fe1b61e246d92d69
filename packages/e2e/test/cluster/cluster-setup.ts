/**
 * Vitest globalSetup of the cluster suite: a fresh native stack of the cluster
 * profile (`pnpm stack:up --profile cluster`) in its own state dir and ports
 * (MDP_TEST_CLUSTER_STATE, MDP_TEST_CLUSTER_PORT_OFFSET, default +3000), its
 * settings exported for the platform's CLIs. Teardown: `pnpm stack:reset`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStackEnv } from '@mdp/schemas';
import { repo } from '../support/platform.js';

export default function setup(): () => void {
  const state =
    process.env['MDP_TEST_CLUSTER_STATE'] ??
    (process.env['MDP_STATE']
      ? `${process.env['MDP_STATE']}-cluster`
      : `${repo}/.state/test-cluster`);
  Object.assign(process.env, {
    MDP_STATE: state,
    MDP_PORT_OFFSET: process.env['MDP_TEST_CLUSTER_PORT_OFFSET'] ?? '3000',
  });
  const stack = (...args: string[]) =>
    execFileSync('pnpm', ['--silent', '--workspace-root', ...args], {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  const reset = () => stack('stack:reset');
  reset();
  process.stdout.write(`cluster: pnpm stack:up --profile cluster in ${state}\n`);
  try {
    process.stdout.write(stack('stack:up', '--profile', 'cluster'));
  } catch (err) {
    // every service's log, kept: the reset deletes the state dir
    const logs = mkdtempSync(join(tmpdir(), 'mdp-cluster-logs-'));
    cpSync(join(state, 'logs'), logs, { recursive: true });
    process.stderr.write(`cluster: stack:up failed; every service's log: ${logs}\n`);
    reset();
    throw err;
  }
  Object.assign(process.env, parseStackEnv(stack('stack:env')));
  return reset;
}
