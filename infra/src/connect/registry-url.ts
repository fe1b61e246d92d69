/**
 * The one place where the Connect converter's registry URL is derived.
 * Every Avro client uses SCHEMA_REGISTRY_URL, the registry's
 * Confluent-compatible base (`…/apis/ccompat/v7`); Apicurio's 2.x converter
 * talks to the native v2 API of the same registry (`…/apis/registry/v2`).
 */
export function registryApiUrl(schemaRegistryUrl: string): string {
  let url: URL;
  try {
    url = new URL(schemaRegistryUrl);
  } catch {
    throw new TypeError(`SCHEMA_REGISTRY_URL=${schemaRegistryUrl} is not a URL`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  const match = /^(.*)\/apis\/(ccompat\/v\d+|registry\/v\d+)$/.exec(path);
  if (!match) {
    throw new TypeError(
      `SCHEMA_REGISTRY_URL=${schemaRegistryUrl} must end with /apis/ccompat/v7 (the registry's Confluent-compatible API)`,
    );
  }
  url.pathname = `${match[1]}/apis/registry/v2`;
  url.search = '';
  url.hash = '';
  return url.toString();
}
