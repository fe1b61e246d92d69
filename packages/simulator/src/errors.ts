/**
 * The error family of @mdp/simulator: every error the package throws on
 * purpose is a SimulatorError with a stable `code` (tests assert on it), a
 * `retriable` flag and the native `cause`. Subclasses add context.
 */
import { PlatformError } from '@mdp/schemas';

export class SimulatorError extends PlatformError {}
