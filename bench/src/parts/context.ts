/** What every part gets: where the repository is, the stack's settings, the logger. */
import type { Logger } from 'pino';
import { logRecordOf } from '../parse.js';
import type { Figure } from '../table.js';

export interface Context {
  readonly repoRoot: string;
  /** The environment of every child: the bench's own plus `pnpm stack:env` of the stack. */
  readonly env: NodeJS.ProcessEnv;
  readonly quick: boolean;
  readonly log: Logger;
}

export type PartRunner = (ctx: Context) => Promise<Figure[]>;

/**
 * Options for a child whose stderr is progress: kept for errors, shown at debug level
 * (a JSON log line of a piped CLI as its message and fields, not as raw JSON).
 */
export function childOptions(ctx: Context, name: string, timeoutMs?: number) {
  const log = ctx.log.child({ component: name });
  return {
    cwd: ctx.repoRoot,
    env: ctx.env,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    onStderrLine: (line: string) => {
      if (!line.trim()) return;
      const record = logRecordOf(line);
      if (!record) return log.debug(line);
      const { msg, level: _level, time: _time, pid: _pid, hostname: _hostname, ...fields } = record;
      log.debug(fields, typeof msg === 'string' ? msg : line);
    },
  };
}
