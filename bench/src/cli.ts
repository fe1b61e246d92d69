/** What `pnpm bench` and `pnpm soak` start with: their logger, and Ctrl-C stopping what they started. */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { stopAll } from './adapters/commands.js';

/**
 * Human log lines on stderr (level from MDP_LOG_LEVEL); until `end()`, SIGINT/SIGTERM stop
 * every child and exit 130.
 */
export function startCli(name: string): { log: Logger; end: () => void } {
  const log = pino(
    { level: process.env['MDP_LOG_LEVEL'] ?? 'info' },
    pretty({ destination: 2, sync: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }),
  );
  const onSignal = () => {
    log.warn(`interrupted: stopping the commands the ${name} started`);
    stopAll();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    log,
    end: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
