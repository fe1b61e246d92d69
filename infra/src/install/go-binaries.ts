import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { runChecked } from '../adapters/exec.js';
import { exists } from '../adapters/fs.js';
import { InstallError } from '../errors.js';
import { goEnv } from './go-env.js';

/** Where `go install <module>@<version>` of a command lands in the cache (keyed by version). */
export function goBinaryPath(cacheDir: string, name: string, version: string): string {
  return join(cacheDir, 'bin', `${name}-${version}`, name);
}

/**
 * `go install module@version` from the Go module proxy, with GOPATH, GOCACHE
 * and GOBIN inside the cache. A second call only checks that the binary exists.
 */
export async function goInstall(
  cacheDir: string,
  name: string,
  module: string,
  version: string,
  log: Logger,
): Promise<string> {
  const binary = goBinaryPath(cacheDir, name, version);
  if (await exists(binary)) return binary;
  log.info(
    { module, version },
    `building ${name} with go install (first run only; minutes on 2 cores)`,
  );
  const gobin = join(cacheDir, 'bin', `.gobin-${name}-${version}`);
  await mkdir(gobin, { recursive: true });
  try {
    await runChecked('go', ['install', '-trimpath', '-ldflags=-s -w', `${module}@${version}`], {
      env: { ...goEnv(cacheDir), GOBIN: gobin },
      timeoutMs: 60 * 60_000,
    });
  } catch (err) {
    throw new InstallError(`${name} ${version}`, (err as Error).message, { cause: err });
  }
  await mkdir(join(binary, '..'), { recursive: true });
  await rename(join(gobin, name), binary);
  return binary;
}
