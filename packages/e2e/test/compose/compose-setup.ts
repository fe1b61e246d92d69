/**
 * Vitest globalSetup of the compose suite: a Docker engine (the one that answers,
 * or one that scripts/docker-engine.sh starts and this setup stops again), the
 * images built from infra/compose/Dockerfile, the `mdp-test` project up with
 * `docker compose up -d --wait`, and its settings exported for the platform's
 * CLIs. Teardown: `down -v`, then the engine if this setup started it.
 * composeSetup('cluster') does the same for compose.cluster.yaml's project.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repo } from '../support/platform.js';
import {
  compose,
  composeLog,
  composeOutput,
  composeSettings,
  type ComposeProfile,
  useComposeProject,
  writeEnvFile,
} from '../support/compose.js';

const engineScript = (verb: string) =>
  execFileSync('bash', ['scripts/docker-engine.sh', verb], {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });

/** The offset of each profile's ports: its own, so a leftover of one never blocks the other. */
const PORT_OFFSET = {
  single: () => process.env['MDP_TEST_COMPOSE_PORT_OFFSET'] ?? 2000,
  cluster: () => process.env['MDP_TEST_COMPOSE_CLUSTER_PORT_OFFSET'] ?? 4000,
};

export async function composeSetup(profile: ComposeProfile): Promise<() => Promise<void>> {
  const engineWasRunning =
    spawnSync('bash', ['scripts/docker-engine.sh', 'status'], { cwd: repo }).status === 0;
  for (const line of engineScript('up').split('\n')) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line);
    if (match) process.env[match[1]!] = match[2]!;
  }
  useComposeProject(profile);
  const settings = composeSettings(profile, Number(PORT_OFFSET[profile]()));
  const envFile = writeEnvFile(settings);
  Object.assign(process.env, settings, { MDP_COMPOSE_ENV_FILE: envFile });

  const teardown = async () => {
    await compose(envFile, ['down', '--volumes', '--timeout', '30']).catch((err: unknown) =>
      process.stderr.write(`compose teardown: ${String(err)}\n`),
    );
    if (!engineWasRunning) engineScript('down');
  };
  process.stdout.write(
    `compose: building the images and starting ${envFile} (output in ${composeLog(envFile)})\n`,
  );
  const started = Date.now();
  try {
    await compose(envFile, ['build']);
    const built = Date.now();
    await compose(envFile, ['up', '--detach', '--wait', '--wait-timeout', '1800']);
    process.stdout.write(
      `compose: images built in ${Math.round((built - started) / 1000)} s, ` +
        `up --wait in ${Math.round((Date.now() - built) / 1000)} s\n`,
    );
  } catch (err) {
    // every service's whole log, kept: the teardown removes the containers
    const logFile = join(dirname(envFile), 'services.log');
    writeFileSync(logFile, composeOutput(envFile, ['logs', '--no-color', '--timestamps']));
    process.stderr.write(composeOutput(envFile, ['ps', '--all']));
    process.stderr.write(
      `every service's log: ${logFile}; compose's own output: ${composeLog(envFile)}\n`,
    );
    await teardown();
    throw err;
  }
  return teardown;
}

export default function setup(): Promise<() => Promise<void>> {
  return composeSetup('single');
}
