import { describe, expect, it } from 'vitest';
import { refusedSubject, registeredWithoutColumns } from '../../src/watchdog/connector-health.js';

const refusal = (subject: string, diffs: string) =>
  `org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler
Caused by: io.apicurio.registry.rest.client.exception.RuleViolationException: Incompatible artifact: ${subject} [AVRO], num of incompatible diffs: {1}, list of diff types: [${diffs}]
	at io.apicurio.registry.rest.client.impl.ErrorHandler.handleErrorResponse(ErrorHandler.java:64)`;

const optional = (name: string, type: string) => ({ name, type: ['null', type], default: null });
const key = (...fields: object[]) => ({ type: 'record', name: 'Key', fields });
/** A Debezium envelope whose row record has these fields. */
const envelope = (...fields: object[]) => ({
  type: 'record',
  name: 'Envelope',
  fields: [
    { name: 'before', type: ['null', { type: 'record', name: 'Value', fields }], default: null },
    { name: 'after', type: ['null', 'Value'], default: null },
    { name: 'op', type: 'string' },
  ],
});

describe("the watchdog's reading of a registry refusal", () => {
  it('names the refused subject, key or value', () => {
    const union = 'reader union lacking writer type: RECORD at /fields/1/type/1';
    expect(refusedSubject(refusal('mdp.public.customers-value', union))).toBe(
      'mdp.public.customers-value',
    );
    expect(refusedSubject(refusal('mdp.public.lines-key', union))).toBe('mdp.public.lines-key');
    expect(refusedSubject('java.net.ConnectException: refused')).toBeUndefined();
  });

  it("takes a version with the key column and every other column optional as registered without the table's columns", () => {
    const idKey = key(optional('id', 'int'));
    expect(registeredWithoutColumns(idKey, idKey)).toBe(true);
    const value = envelope(optional('id', 'int'), optional('email', 'string'));
    expect(registeredWithoutColumns(value, key({ name: 'id', type: 'int' }))).toBe(true);
  });

  it("leaves to a person a version that describes the table's columns", () => {
    const idKey = key({ name: 'id', type: 'int' });
    // the key column required: PostgreSQL's columns were read
    expect(
      registeredWithoutColumns(
        envelope({ name: 'id', type: 'int' }, optional('email', 'string')),
        idKey,
      ),
    ).toBe(false);
    // a required column beside an optional key column: a unique index on a nullable column
    expect(
      registeredWithoutColumns(
        envelope(optional('id', 'int'), { name: 'email', type: 'string' }),
        idKey,
      ),
    ).toBe(false);
    // a table without a key (no key subject) or a key column missing from the row
    expect(registeredWithoutColumns(envelope(optional('note', 'string')), undefined)).toBe(false);
    expect(registeredWithoutColumns(envelope(optional('note', 'string')), idKey)).toBe(false);
  });
});
