import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { runChecked } from '../adapters/exec.js';
import { exists } from '../adapters/fs.js';
import { InstallError } from '../errors.js';

/**
 * Maven Central through the `mvn` client, into a local repository inside the
 * cache. `settings.xml` mirrors every repository to Central (Apicurio's POMs
 * name one that cannot be reached).
 */
export interface MavenInstaller {
  /** `mvn dependency:copy-dependencies` of a pom into `dir` (skipped when `dir` exists). */
  copyDependencies(
    artifact: string,
    pom: string,
    dir: string,
    properties: Record<string, string>,
    extraArgs?: readonly string[],
  ): Promise<string>;
  /** Downloads one artifact (group:name:version:type:classifier) and unpacks its tar.gz into `dir`. */
  unpack(artifact: string, coordinates: string, dir: string): Promise<string>;
}

export function createMavenInstaller(
  cacheDir: string,
  infraDir: string,
  log: Logger,
): MavenInstaller {
  const base = [
    '-B',
    '-q',
    '-s',
    join(infraDir, 'maven', 'settings.xml'),
    `-Dmaven.repo.local=${join(cacheDir, 'maven', 'repo')}`,
  ];
  const mvn = async (artifact: string, args: readonly string[]): Promise<void> => {
    try {
      await runChecked('mvn', [...base, ...args], { timeoutMs: 30 * 60_000 });
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      throw new InstallError(
        artifact,
        missing
          ? 'mvn (Apache Maven) is not installed: apt-get install maven'
          : (err as Error).message,
        {
          cause: err,
        },
      );
    }
  };
  return {
    async copyDependencies(artifact, pom, dir, properties, extraArgs = []) {
      if (await exists(dir)) return dir;
      log.info({ artifact }, 'resolving jars from Maven Central (first run only)');
      const tmp = `${dir}.tmp`;
      await rm(tmp, { recursive: true, force: true });
      await mvn(artifact, [
        '-f',
        pom,
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${tmp}`,
        ...Object.entries(properties).map(([key, value]) => `-D${key}=${value}`),
        ...extraArgs,
      ]);
      await rename(tmp, dir);
      return dir;
    },
    async unpack(artifact, coordinates, dir) {
      if (await exists(dir)) return dir;
      log.info({ artifact }, 'downloading from Maven Central (first run only)');
      const download = join(cacheDir, 'downloads');
      await mkdir(download, { recursive: true });
      await mvn(artifact, [
        'dependency:copy',
        `-Dartifact=${coordinates}`,
        `-DoutputDirectory=${download}`,
      ]);
      const [group, name, version, type, classifier] = coordinates.split(':');
      void group;
      const file = join(
        download,
        `${name}-${version}${classifier ? `-${classifier}` : ''}.${type}`,
      );
      const tmp = `${dir}.tmp`;
      await rm(tmp, { recursive: true, force: true });
      await mkdir(tmp, { recursive: true });
      try {
        await runChecked('tar', ['-xzf', file, '-C', tmp]);
      } catch (err) {
        throw new InstallError(artifact, `cannot unpack ${file}: ${(err as Error).message}`, {
          cause: err,
        });
      }
      await rm(file, { force: true });
      await rename(tmp, dir);
      return dir;
    },
  };
}

/** The jars of a directory, for a classpath. */
export async function classpathOf(dir: string): Promise<string> {
  const jars = (await readdir(dir)).filter((name) => name.endsWith('.jar')).sort();
  return jars.map((jar) => join(dir, jar)).join(':');
}
