import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../adapters/exec.js';
import { exists } from '../adapters/fs.js';
import { JavaNotFoundError } from '../errors.js';

const JVM_DIR = '/usr/lib/jvm';

/** The major version a `java -version` banner reports (17, 21, 25). */
function parseJavaMajor(banner: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(banner);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
}

/**
 * A `java` binary of at least `minMajor`: the given home first (JAVA_HOME or
 * MDP_JAVA_HOME), then `java` on PATH, then the JDKs in /usr/lib/jvm, newest first.
 */
export async function findJava(
  service: string,
  minMajor: number,
  preferredHome?: string,
): Promise<string> {
  const candidates: string[] = [];
  if (preferredHome) candidates.push(join(preferredHome, 'bin', 'java'));
  candidates.push('java');
  try {
    const entries = (await readdir(JVM_DIR)).sort().reverse();
    candidates.push(...entries.map((entry) => join(JVM_DIR, entry, 'bin', 'java')));
  } catch {
    // no /usr/lib/jvm
  }
  for (const java of candidates) {
    if (java !== 'java' && !(await exists(java))) continue;
    const result = await run(java, ['-version']).catch(() => undefined);
    const major = result ? parseJavaMajor(result.stderr) : undefined;
    if (result?.code === 0 && major !== undefined && major >= minMajor) return java;
  }
  throw new JavaNotFoundError(
    service,
    minMajor,
    preferredHome ? [preferredHome, 'PATH', JVM_DIR] : ['PATH', JVM_DIR],
  );
}
