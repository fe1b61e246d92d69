import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConnectorConfigError } from './errors.js';

export type ConnectorConfig = Readonly<Record<string, string>>;

/** The platform's connector: connect:register's default file, the one the watchdog looks after. */
export const DEFAULT_CONNECTOR_FILE = fileURLToPath(
  new URL('../../connect/mdp-postgres.json', import.meta.url),
);

/** A connector's name: its file name without `.json`. */
export const connectorName = (file: string): string => basename(file).replace(/\.json$/, '');

/** Values filled in at registration: `{{name}}` in the file. `${env:NAME}` is left to Connect. */
export interface RegistrationValues {
  readonly registryApiUrl: string;
}

export interface ConnectorFile {
  /** The connector's name: the file name without `.json`. */
  readonly name: string;
  readonly config: ConnectorConfig;
}

/**
 * Reads a connector config file (a flat JSON object of strings) and fills its
 * `{{…}}` placeholders. Secrets stay `${env:NAME}` references that the worker's
 * EnvVarConfigProvider resolves, so they never reach Connect's config topic.
 */
export function loadConnectorFile(file: string, values: RegistrationValues): ConnectorFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConnectorConfigError(file, `cannot read it as JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConnectorConfigError(file, 'must be one JSON object of "key": "string value" pairs');
  }
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') {
      throw new ConnectorConfigError(
        file,
        `"${key}" must be a string (Connect takes string values), got ${typeof value}`,
      );
    }
    config[key] = fill(file, key, value, values);
  }
  return { name: connectorName(file), config: Object.freeze(config) };
}

function fill(file: string, key: string, value: string, values: RegistrationValues): string {
  return value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!Object.hasOwn(values, name)) {
      throw new ConnectorConfigError(
        file,
        `"${key}" uses {{${name}}}, which is not known; known: ${Object.keys(values)
          .map((n) => `{{${n}}}`)
          .join(', ')}`,
      );
    }
    return values[name as keyof RegistrationValues];
  });
}

/** Debezium names read from the config, so the admin SQL and the connector agree. */
export function cdcNames(config: ConnectorConfig): {
  slot: string;
  publication: string;
  user: string;
} {
  return {
    slot: config['slot.name'] ?? 'debezium',
    publication: config['publication.name'] ?? 'dbz_publication',
    user: config['database.user'] ?? 'debezium',
  };
}
