/**
 * The base of every package's error family: a stable `code` (tests and scripts
 * match on it), whether retrying can help, and the native `cause`. Each package
 * names its own subclass (StackError, SimulatorError, …) so `instanceof` tells
 * whose error it is; messages say what failed, where, and what to do next.
 */
export interface PlatformErrorOptions {
  cause?: unknown;
  retriable?: boolean;
}

export class PlatformError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly retriable: boolean;

  constructor(code: Code, message: string, options: PlatformErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}
