import { join } from 'node:path';
import type { Logger } from 'pino';
import { runChecked } from '../adapters/exec.js';
import type { StackConfig } from '../config.js';
import { InstallError } from '../errors.js';

/**
 * The Spark job's venv (PyPI) and connector jars (Maven Central), through the
 * job's own installer (spark/bin/setup.sh: idempotent, a second run returns at once).
 */
export async function installSpark(config: StackConfig, log: Logger): Promise<void> {
  const setup = join(config.repoRoot, 'spark', 'bin', 'setup.sh');
  log.debug({ setup }, 'checking the Spark install');
  try {
    await runChecked('bash', [setup], {
      env: { ...process.env, MDP_CACHE: config.cacheDir },
      timeoutMs: 30 * 60_000,
    });
  } catch (err) {
    throw new InstallError(
      'Spark job (pyspark, delta-spark, connector jars)',
      (err as Error).message,
      {
        cause: err,
      },
    );
  }
}
