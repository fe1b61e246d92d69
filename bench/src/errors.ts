/**
 * The error family of @mdp/bench: a stable `code`, a `retriable` flag and the
 * native `cause`. A failed part is reported in its row with its code and message.
 */
export class BenchError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; retriable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** A bad flag or value on the command line (exit 2). */
export class UsageError extends BenchError {
  constructor(message: string) {
    super('BENCH_USAGE', message);
  }
}

/** A platform command exited non-zero or printed something the bench cannot read. */
export class CommandError extends BenchError {
  readonly command: string;
  readonly exitCode: number | null;

  constructor(command: string, exitCode: number | null, message: string) {
    super('BENCH_COMMAND_FAILED', `${command}: ${message}`);
    this.command = command;
    this.exitCode = exitCode;
  }
}

/** A figure that could not be measured (no samples, a deadline passed). */
export class MeasureError extends BenchError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}
