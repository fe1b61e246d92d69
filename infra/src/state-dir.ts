import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The file that marks a directory as a native stack's state dir: `stack:reset` deletes only such a dir. */
export const STATE_MARKER = '.mdp-state';

/** Creates the state dir when missing and marks it as one. */
export async function markStateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, STATE_MARKER),
    'state directory of the mdp native stack (pnpm stack:reset wipes it)\n',
  );
}
