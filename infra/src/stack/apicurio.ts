import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writePrivate } from '../adapters/fs.js';
import type { StackConfig } from '../config.js';
import { renderTemplate } from './template.js';

/** The registry's logins (infra/apicurio/application.properties) with this stack's passwords. */
export async function registryProperties(config: StackConfig): Promise<string> {
  const file = join(config.infraDir, 'apicurio', 'application.properties');
  return renderTemplate(file, await readFile(file, 'utf8'), {
    SCHEMA_REGISTRY_ADMIN_PASSWORD: config.registry.adminPassword,
    SCHEMA_REGISTRY_CONNECT_PASSWORD: config.registry.connectPassword,
  });
}

/**
 * Writes them where Quarkus reads a file of settings at start: `config/` of the
 * registry's working directory (`$MDP_STATE/apicurio`), its owner's alone.
 */
export async function prepareApicurio(config: StackConfig): Promise<void> {
  const dir = join(config.stateDir, 'apicurio', 'config');
  await mkdir(dir, { recursive: true });
  await writePrivate(join(dir, 'application.properties'), await registryProperties(config));
}
