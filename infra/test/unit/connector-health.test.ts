import { describe, expect, it } from 'vitest';
import { keyOptionalityRefusal } from '../../src/watchdog/connector-health.js';

const refusal = (subject: string, diffs: string) =>
  `org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler
Caused by: io.apicurio.registry.rest.client.exception.RuleViolationException: Incompatible artifact: ${subject} [AVRO], num of incompatible diffs: {1}, list of diff types: [${diffs}]
	at io.apicurio.registry.rest.client.impl.ErrorHandler.handleErrorResponse(ErrorHandler.java:64)`;

describe("the watchdog's reading of a registry refusal", () => {
  it('names the key subject refused only because its columns became required', () => {
    expect(
      keyOptionalityRefusal(
        refusal(
          'mdp.public.customers-key',
          'reader type: INT not compatible with writer type: NULL at /fields/0/type/0',
        ),
      ),
    ).toBe('mdp.public.customers-key');
    expect(
      keyOptionalityRefusal(
        refusal(
          'mdp.public.lines-key',
          'reader type: INT not compatible with writer type: NULL at /fields/0/type/0, reader type: STRING not compatible with writer type: NULL at /fields/1/type/0',
        ),
      ),
    ).toBe('mdp.public.lines-key');
  });

  it('leaves every other refusal to a person: a value subject, or a key whose type changed', () => {
    expect(
      keyOptionalityRefusal(
        refusal(
          'mdp.public.customers-value',
          'reader type: INT not compatible with writer type: NULL at /fields/0/type/0',
        ),
      ),
    ).toBeUndefined();
    expect(
      keyOptionalityRefusal(
        refusal(
          'mdp.public.customers-key',
          'reader type: INT not compatible with writer type: STRING at /fields/0/type',
        ),
      ),
    ).toBeUndefined();
    expect(keyOptionalityRefusal('java.net.ConnectException: refused')).toBeUndefined();
  });
});
