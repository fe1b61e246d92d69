import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exists } from './adapters/fs.js';
import { PROFILES, type Profile } from './config.js';

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

/** The file that keeps the profile (single, cluster) the state dir's stack was made with. */
const PROFILE_FILE = 'profile';

/**
 * The state dir's profile, or undefined when no stack was started in it yet. A
 * state dir where a stack ran (it has logs) before profiles existed holds a single one.
 */
export async function readProfile(dir: string): Promise<Profile | undefined> {
  const text = await readFile(join(dir, PROFILE_FILE), 'utf8').catch(() => undefined);
  const profile = text?.trim();
  if ((PROFILES as readonly string[]).includes(profile ?? '')) return profile as Profile;
  return (await exists(join(dir, 'logs'))) ? 'single' : undefined;
}

export async function writeProfile(dir: string, profile: Profile): Promise<void> {
  await writeFile(join(dir, PROFILE_FILE), `${profile}\n`);
}
