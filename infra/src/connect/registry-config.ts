import { REGISTRY_AUTH_HINT, registryAdminHeaders } from '@mdp/schemas';
import { ConnectApiError } from './errors.js';

/**
 * The registry's compatibility rule, global or one subject's, through its
 * Confluent-compatible API (`PUT <SCHEMA_REGISTRY_URL>/config[/<subject>]`) as
 * the registry's admin (SCHEMA_REGISTRY_ADMIN_*), idempotent. BACKWARD, Confluent Schema
 * Registry's default: a nullable column added in PostgreSQL registers a new
 * version; an incompatible change (a column's type changed) is refused, and the
 * connector stops instead of writing what consumers cannot read.
 */
export async function setCompatibility(
  schemaRegistryUrl: string,
  level: 'BACKWARD' | 'NONE',
  /** Only this subject's rule (`PUT <SCHEMA_REGISTRY_URL>/config/<subject>`). */
  subject?: string,
): Promise<void> {
  const url = registryUrl(schemaRegistryUrl, 'config', ...(subject ? [subject] : []));
  const res = await registryFetch(url, {
    method: 'PUT',
    headers: {
      'content-type': 'application/vnd.schemaregistry.v1+json',
      ...registryAdminHeaders(),
    },
    body: JSON.stringify({ compatibility: level }),
  });
  if (!res.ok) {
    const login = res.status === 401 || res.status === 403 ? ` (${REGISTRY_AUTH_HINT})` : '';
    throw new ConnectApiError(
      url,
      res.status,
      `the schema registry refused the compatibility rule: ${await res.text()}${login}`,
      {
        retriable: res.status >= 500,
      },
    );
  }
}

/**
 * A subject's latest schema, parsed (`GET <SCHEMA_REGISTRY_URL>/subjects/<subject>/versions/latest`);
 * undefined when the subject does not exist.
 */
export async function latestSchema(schemaRegistryUrl: string, subject: string): Promise<unknown> {
  const url = registryUrl(schemaRegistryUrl, 'subjects', subject, 'versions', 'latest');
  const res = await registryFetch(url);
  if (res.status === 404) return undefined;
  if (!res.ok)
    throw new ConnectApiError(url, res.status, `the schema registry answered ${res.status}`, {
      retriable: res.status >= 500,
    });
  return JSON.parse(((await res.json()) as { schema: string }).schema) as unknown;
}

/** `<SCHEMA_REGISTRY_URL>/<segment>/…`, each segment URL-encoded. */
function registryUrl(base: string, ...segments: string[]): string {
  return [base.replace(/\/+$/, ''), ...segments.map(encodeURIComponent)].join('/');
}

/** fetch, with an unreachable registry as a retriable ConnectApiError naming it. */
async function registryFetch(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    throw new ConnectApiError(
      url,
      undefined,
      `the schema registry is unreachable (${(err as Error).message})`,
      { cause: err, retriable: true },
    );
  }
}
