/**
 * Kafka Connect's REST API takes HTTP Basic credentials: KAFKA_CONNECT_USER and
 * KAFKA_CONNECT_PASSWORD (`pnpm stack:env` exports them, compose reads them from
 * .env). Every request of ours to Connect carries these headers.
 */
import { basicAuthHeaders } from './basic-auth.js';

/** What to do when Connect answers 401. */
export const CONNECT_AUTH_HINT =
  'Kafka Connect refused the credentials (HTTP 401): set KAFKA_CONNECT_USER and KAFKA_CONNECT_PASSWORD ' +
  '(eval "$(pnpm -s stack:env)" for the native stack, .env for compose)';

export function connectHeaders(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  return basicAuthHeaders(env['KAFKA_CONNECT_USER'], env['KAFKA_CONNECT_PASSWORD']);
}
