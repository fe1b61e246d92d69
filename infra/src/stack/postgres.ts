import { chmod, chown, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { run } from '../adapters/exec.js';
import { exists } from '../adapters/fs.js';
import { InstallError, StateDirError } from '../errors.js';

export interface PostgresLayout {
  /** The Debian server binaries (postgres, initdb, pg_isready, psql). */
  readonly binDir: string;
  readonly dataDir: string;
  /** Its own unix socket directory, inside the state dir. */
  readonly socketDir: string;
  /** Prefix that runs a command as user postgres (PostgreSQL refuses to run as root); empty when not root. */
  readonly runAs: readonly string[];
}

const RUN_AS_POSTGRES = ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups'];

export function postgresLayout(
  stateDir: string,
  major: string,
  binDirOverride?: string,
): PostgresLayout {
  return {
    binDir: binDirOverride ?? `/usr/lib/postgresql/${major}/bin`,
    dataDir: join(stateDir, 'postgres', 'data'),
    socketDir: join(stateDir, 'postgres', 'run'),
    runAs: userInfo().uid === 0 ? RUN_AS_POSTGRES : [],
  };
}

/**
 * Creates the cluster once (initdb as user postgres when we are root), owned
 * by that user, then installs `hbaFile` as its access rules (trust on its
 * private socket, mode 0700; scram-sha-256 over TCP; no physical replication).
 */
export async function preparePostgres(
  layout: PostgresLayout,
  major: string,
  hbaFile: string,
  logFile: string,
  log: Logger,
): Promise<void> {
  if (!(await exists(join(layout.binDir, 'postgres')))) {
    throw new InstallError(
      `PostgreSQL ${major}`,
      `no server binaries in ${layout.binDir}: install the Debian package (apt-get install postgresql-${major}) or set MDP_PG_BIN`,
    );
  }
  const home = join(layout.dataDir, '..');
  await mkdir(layout.socketDir, { recursive: true });
  if (layout.runAs.length > 0) {
    const ids = await postgresIds();
    await chown(home, ids.uid, ids.gid);
    await chown(layout.socketDir, ids.uid, ids.gid);
    const probe = await run(layout.runAs[0]!, [
      ...layout.runAs.slice(1),
      'test',
      '-w',
      layout.socketDir,
    ]);
    if (probe.code !== 0) {
      throw new StateDirError(
        `user postgres cannot reach ${layout.socketDir}: every parent directory of MDP_STATE must be searchable ` +
          `by others (chmod o+x on each), or set MDP_STATE to a directory under /tmp`,
      );
    }
  }
  if (!(await exists(join(layout.dataDir, 'PG_VERSION')))) await initdb(layout, logFile, log);
  await installHba(layout, hbaFile);
}

/** The cluster's access rules are ours (infra/postgres/pg_hba.conf), not initdb's, at every start. */
async function installHba(layout: PostgresLayout, hbaFile: string): Promise<void> {
  const target = join(layout.dataDir, 'pg_hba.conf');
  await copyFile(hbaFile, target);
  if (layout.runAs.length > 0) {
    const ids = await postgresIds();
    await chown(target, ids.uid, ids.gid);
  }
  await chmod(target, 0o600);
}

async function initdb(layout: PostgresLayout, logFile: string, log: Logger): Promise<void> {
  log.info({ dataDir: layout.dataDir }, 'creating the PostgreSQL cluster (initdb)');
  const [file, ...prefix] = [...layout.runAs, join(layout.binDir, 'initdb')];
  const result = await run(file, [
    ...prefix,
    '-D',
    layout.dataDir,
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '--no-instructions',
  ]);
  await writeFile(logFile, `${result.stdout}${result.stderr}`);
  if (result.code !== 0) {
    throw new InstallError(
      'the PostgreSQL cluster',
      `initdb exited with ${result.code}: ${result.stderr.trim()}`,
      { logFile },
    );
  }
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const result = await run('id', ['-u', 'postgres']);
  const group = await run('id', ['-g', 'postgres']);
  if (result.code !== 0 || group.code !== 0) {
    throw new StateDirError(
      'running as root, but there is no user "postgres" to run PostgreSQL as: install postgresql-15 (it creates it)',
    );
  }
  return { uid: Number(result.stdout.trim()), gid: Number(group.stdout.trim()) };
}
