/**
 * Vitest globalSetup shared by every package whose integration tests need the
 * real services. When the stack's settings are already in the environment (the
 * README's test command starts one stack and exports them), it does nothing.
 * Otherwise it starts the native stack (`pnpm stack:up`, a no-op when it is
 * already up) and exports the settings `pnpm stack:env` prints, so a single
 * package's tests can be run on their own too.
 */
import { execFileSync } from 'node:child_process';
import { parseStackEnv } from '../packages/schemas/src/config.js';

const REQUIRED = ['PGHOST', 'KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'S3_ENDPOINT'];

export default function setup(): void {
  if (REQUIRED.every((name) => process.env[name])) return;
  const run = (args: string[]) =>
    execFileSync('pnpm', ['--silent', '--workspace-root', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  run(['stack:up']);
  Object.assign(process.env, parseStackEnv(run(['stack:env'])));
}
