/** The schema registry client: @kafkajs/confluent-schema-registry against Apicurio's ccompat API. */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { debeziumTypeHook } from '../avro/debezium-types.js';

/**
 * `url` is SCHEMA_REGISTRY_URL, e.g. http://127.0.0.1:18080/apis/ccompat/v7 (ids are Apicurio
 * contentIds). Reading needs no login; `auth` is for a client that registers schemas.
 */
export function createRegistry(
  url: string,
  auth?: { username: string; password: string },
): SchemaRegistry {
  return new SchemaRegistry(
    {
      host: url.replace(/\/+$/, ''),
      clientId: 'mdp-validator',
      retry: { retries: 3 },
      ...(auth ? { auth } : {}),
    },
    { [SchemaType.AVRO]: { typeHook: debeziumTypeHook } },
  );
}
