/**
 * Identifier rules: headers and file names become snake_case PostgreSQL
 * names, whatever their case, spacing or punctuation.
 */

/** `Customer ID` → `customer_id`, `unitPrice` → `unit_price`, ` Zip-Code ` → `zip_code`. */
export function toSnakeCase(raw: string): string {
  const name = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (name === '') return '';
  // PostgreSQL identifiers may not start with a digit unless quoted; keep them plain.
  return (/^[0-9]/.test(name) ? `_${name}` : name).slice(0, 63);
}

/** English singular of a table name: customers → customer, categories → category, addresses → address. */
export function singular(table: string): string {
  if (/(us|ss|is)$/.test(table)) return table;
  if (/ies$/.test(table)) return `${table.slice(0, -3)}y`;
  if (/(ss|sh|ch|x|z)es$/.test(table)) return table.slice(0, -2);
  if (/[^s]s$/.test(table)) return table.slice(0, -1);
  return table;
}

/** The names a `<name>_id` column may use to point at `table`: its singular and itself. */
export function referenceNames(table: string): string[] {
  return [...new Set([singular(table), table])];
}
