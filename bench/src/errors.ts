/**
 * The error family of @mdp/bench: a stable `code`, a `retriable` flag and the
 * native `cause`. A failed part is reported in its row with its code and message.
 */
import { PlatformError } from '@mdp/schemas';

export class BenchError extends PlatformError {}

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
