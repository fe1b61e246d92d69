import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const infraDir = fileURLToPath(new URL('..', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real stack CLI (bin/stack.ts through tsx) with extra environment. */
export function stackCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/stack.ts', ...args], {
    cwd: infraDir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 600_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The shell command that runs the CLI, for tests that go through bash. */
export const STACK_COMMAND = `'${process.execPath}' --import tsx bin/stack.ts`;
