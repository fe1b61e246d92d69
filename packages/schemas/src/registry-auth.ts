/**
 * The schema registry answers reads without a login; a write (a schema
 * registered or deleted, a compatibility rule changed) needs one
 * (infra/apicurio/application.properties). Our tools that write act as its
 * admin, SCHEMA_REGISTRY_ADMIN_USER with SCHEMA_REGISTRY_ADMIN_PASSWORD: `pnpm
 * stack:env` exports them, compose's .env holds the same names.
 */
import { basicAuthHeaders } from './basic-auth.js';

export const REGISTRY_ADMIN_ENV = {
  user: 'SCHEMA_REGISTRY_ADMIN_USER',
  password: 'SCHEMA_REGISTRY_ADMIN_PASSWORD',
};

/** What to do when the registry answers 401 or 403 to a write. */
export const REGISTRY_AUTH_HINT =
  'set SCHEMA_REGISTRY_ADMIN_USER and SCHEMA_REGISTRY_ADMIN_PASSWORD ' +
  '(eval "$(pnpm -s stack:env)" for the native stack, .env for compose)';

/** The admin's `authorization` header for a write to the registry; none when unset. */
export function registryAdminHeaders(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  return basicAuthHeaders(env[REGISTRY_ADMIN_ENV.user], env[REGISTRY_ADMIN_ENV.password]);
}
