/** What `pnpm bench` and `pnpm soak` start with: their logger, and Ctrl-C stopping what they started. */
import type { Logger } from 'pino';
import { cliLogger } from '@mdp/schemas';
import { stopAll } from './adapters/commands.js';
import { UsageError } from './errors.js';

/**
 * The flags `parse` reads, or the exit code when there is nothing to run: 0 after
 * printing `usage` for --help, 2 after a usage error (message and usage on stderr).
 */
export function flagsOrExit<A>(name: string, usage: string, parse: () => A | 'help'): A | number {
  let args;
  try {
    args = parse();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${name}: ${err.message}\n\n${usage}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  return args;
}

/**
 * The CLI's log on stderr (cliLogger: human on a terminal, JSON when piped); until `end()`, SIGINT/SIGTERM stop
 * every child and exit 130.
 */
export function startCli(name: string): { log: Logger; end: () => void } {
  const log = cliLogger(name, { defaultLevel: 'info' });
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
