/**
 * The error family of @mdp/simulator: every error the package throws on
 * purpose is a SimulatorError with a stable `code` (tests assert on it), a
 * `retriable` flag and the native `cause`. Subclasses add context.
 */
export class SimulatorError extends Error {
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
