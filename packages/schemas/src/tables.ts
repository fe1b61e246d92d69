/** The business tables, in load order (referenced tables first). */
export const BUSINESS_TABLES = ['customers', 'products', 'orders'] as const;
export type BusinessTable = (typeof BUSINESS_TABLES)[number];

/** The PostgreSQL schema the loader creates tables in and Debezium captures. */
export const SOURCE_SCHEMA = 'public';

/** Default Debezium topic prefix (`topic.prefix` in the connector config). */
export const DEFAULT_TOPIC_PREFIX = 'mdp';

/** Debezium's default topic naming: `<prefix>.<schema>.<table>`. */
export function topicFor(
  table: string,
  prefix = DEFAULT_TOPIC_PREFIX,
  schema = SOURCE_SCHEMA,
): string {
  return `${prefix}.${schema}.${table}`;
}

/** Inverse of {@link topicFor}; undefined for a topic that is not a table topic. */
export function tableOfTopic(
  topic: string,
): { prefix: string; schema: string; table: string } | undefined {
  const parts = topic.split('.');
  if (parts.length !== 3) return undefined;
  const [prefix, schema, table] = parts as [string, string, string];
  return { prefix, schema, table };
}
