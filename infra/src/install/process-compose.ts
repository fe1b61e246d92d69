import { cp, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { runChecked } from '../adapters/exec.js';
import { exists } from '../adapters/fs.js';
import { InstallError } from '../errors.js';
import { goEnv } from './go-env.js';

const MODULE = 'github.com/f1bonacc1/process-compose';

/**
 * process-compose from the Go module proxy. `go install` is refused for it
 * here (the version list is not served), so: `go mod download` the exact
 * version, copy the sources out of the read-only module cache and build them.
 * Returns the binary's path; a second call only checks that it exists.
 */
export async function installProcessCompose(
  cacheDir: string,
  version: string,
  log: Logger,
): Promise<string> {
  const dir = join(cacheDir, 'bin', `process-compose-${version}`);
  const binary = join(dir, 'process-compose');
  if (await exists(binary)) return binary;
  log.info(
    { version },
    'building process-compose from the Go module proxy (first run only, ~1 min)',
  );
  const env = goEnv(cacheDir);
  try {
    const download = await runChecked('go', ['mod', 'download', '-json', `${MODULE}@${version}`], {
      env,
    });
    const source = (JSON.parse(download.stdout) as { Dir: string }).Dir;
    await mkdir(dir, { recursive: true });
    const work = await mkdtemp(join(cacheDir, 'bin', '.build-'));
    try {
      await cp(source, work, { recursive: true });
      await runChecked(
        'go',
        [
          'build',
          '-o',
          `${binary}.tmp`,
          '-ldflags',
          `-s -w -X ${MODULE}/src/config.Version=${version}`,
          '.',
        ],
        { env, cwd: work },
      );
      await rename(`${binary}.tmp`, binary);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  } catch (err) {
    throw new InstallError(`process-compose ${version}`, (err as Error).message, { cause: err });
  }
  return binary;
}
