/**
 * Waiting on a condition with a deadline, never a sleep to wait out: the one
 * polling loop of the tests (and of any CLI that waits for a state it cannot be
 * told about).
 */

/**
 * Polls `condition` every `intervalMs` until it holds; after `timeoutMs` throws
 * "<what>: not within N s". A thrown error ends the wait with that error.
 */
export async function pollUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 300_000,
  intervalMs = 1000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
