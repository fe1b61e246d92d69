/** The watchdog service of the native stack (infra/process-compose.yaml starts it). */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createProcessComposeClient } from '../adapters/process-compose.js';
import { readServices } from '../stack/services.js';
import { RESTART_LIMIT, RESTART_WINDOW_MS, readyFile, watchServices } from './watchdog.js';

const USAGE = `Usage: watchdog (started by the native stack, not by hand)

Watches the stack's services through process-compose (MDP_STATE/process-compose.sock):
a service restarted ${RESTART_LIMIT} times within ${RESTART_WINDOW_MS / 60_000} minutes is stopped and recorded
in MDP_STATE/watchdog/failed.json; pnpm stack:status shows it failed, with its log.`;

export async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`watchdog: takes no arguments (got ${argv.join(' ')})\n\n${USAGE}\n`);
    return 2;
  }
  const state = process.env['MDP_STATE'];
  if (!state) {
    process.stderr.write(
      'watchdog: MDP_STATE is not set: the native stack starts it (pnpm stack:up)\n',
    );
    return 2;
  }
  const log = pino({ base: undefined, name: 'watchdog' });
  const controller = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => controller.abort());
  await rm(readyFile(state), { force: true });
  const composeFile = fileURLToPath(new URL('../../process-compose.yaml', import.meta.url));
  log.info({ limit: RESTART_LIMIT, windowMs: RESTART_WINDOW_MS }, 'watching the services');
  await watchServices({
    client: createProcessComposeClient(join(state, 'process-compose.sock')),
    services: readServices(composeFile),
    state,
    log,
    signal: controller.signal,
  });
  return 0;
}
