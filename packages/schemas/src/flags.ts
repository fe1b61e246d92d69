/**
 * Every CLI's flags: node:util parseArgs in strict mode, pnpm's leading `--` dropped
 * (`pnpm <script> -- --flag` passes it on), and an unknown or malformed flag refused
 * with the list of the allowed ones, as the CLI's own usage error.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/** "--name (-n), --other": the flags `options` allows. */
export function allowedFlags(options: FlagOptions): string {
  return Object.entries(options)
    .map(([name, spec]) => (spec.short ? `--${name} (-${spec.short})` : `--${name}`))
    .join(', ');
}

/**
 * The flags (and, with `allowPositionals`, the positionals) of `argv`. A flag that is
 * not in `options` or lacks its value throws `usageError("<what>; allowed: <flags>")`.
 */
export function parseFlags<O extends FlagOptions, P extends boolean = false>(
  argv: readonly string[],
  options: O,
  usageError: (message: string) => Error,
  allowPositionals?: P,
) {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  try {
    return parseArgs({
      args,
      options,
      strict: true,
      allowPositionals: (allowPositionals ?? false) as P,
    });
  } catch (err) {
    throw usageError(`${(err as Error).message}; allowed: ${allowedFlags(options)}`);
  }
}
