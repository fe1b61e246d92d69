/**
 * Kafka's login, for every client of ours (kafkajs takes this object as its
 * `sasl` option): SCRAM-SHA-512 as `KAFKA_USER` with `KAFKA_PASSWORD`. `pnpm
 * stack:env` exports the read-only user's, compose's `.env` holds the same
 * names; other users are read from other names (`KAFKA_ADMIN_USER`, …). With
 * neither name set, no login: a Kafka of your own that asks for none.
 */
export interface KafkaLogin {
  readonly mechanism: 'scram-sha-512';
  readonly username: string;
  readonly password: string;
}

/** The names of the admin's login (`pnpm stack:env`; the tests forge records with it). */
export const KAFKA_ADMIN_ENV = { user: 'KAFKA_ADMIN_USER', password: 'KAFKA_ADMIN_PASSWORD' };
/** The names of `pnpm bench`'s login (its own mdp-bench* topics). */
export const KAFKA_BENCH_ENV = { user: 'KAFKA_BENCH_USER', password: 'KAFKA_BENCH_PASSWORD' };

export const KAFKA_AUTH_HINT =
  'set KAFKA_USER and KAFKA_PASSWORD (eval "$(pnpm -s stack:env)"; with compose, from .env)';

export function kafkaLogin(
  env: Readonly<Record<string, string | undefined>>,
  names: { user: string; password: string } = { user: 'KAFKA_USER', password: 'KAFKA_PASSWORD' },
): KafkaLogin | undefined {
  const username = env[names.user];
  const password = env[names.password];
  if (!username && !password) return undefined;
  return { mechanism: 'scram-sha-512', username: username ?? '', password: password ?? '' };
}
