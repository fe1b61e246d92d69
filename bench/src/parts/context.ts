/** What every part gets: where the repository is, the stack's settings, the logger. */
import type { Logger } from 'pino';
import type { Figure } from '../table.js';

export interface Context {
  readonly repoRoot: string;
  /** The environment of every child: the bench's own plus `pnpm stack:env` of the stack. */
  readonly env: NodeJS.ProcessEnv;
  readonly quick: boolean;
  readonly log: Logger;
}

export type PartRunner = (ctx: Context) => Promise<Figure[]>;

/** Options for a child whose stderr is progress: kept for errors, shown at debug level. */
export function childOptions(ctx: Context, name: string, timeoutMs?: number) {
  const log = ctx.log.child({ component: name });
  return {
    cwd: ctx.repoRoot,
    env: ctx.env,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    onStderrLine: (line: string) => {
      if (line.trim()) log.debug(line);
    },
  };
}
