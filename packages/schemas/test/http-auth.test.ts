import { describe, expect, it } from 'vitest';
import { connectHeaders, registryAdminHeaders } from '../src/index.js';

const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('HTTP Basic logins of Connect and the registry', () => {
  it("Connect's REST user, from KAFKA_CONNECT_USER and KAFKA_CONNECT_PASSWORD", () => {
    expect(connectHeaders({ KAFKA_CONNECT_USER: 'u', KAFKA_CONNECT_PASSWORD: 'p:w' })).toEqual({
      authorization: basic('u:p:w'),
    });
  });

  it("the registry's admin, from SCHEMA_REGISTRY_ADMIN_USER and SCHEMA_REGISTRY_ADMIN_PASSWORD", () => {
    const env = { SCHEMA_REGISTRY_ADMIN_USER: 'mdp-admin', SCHEMA_REGISTRY_ADMIN_PASSWORD: 'pw' };
    expect(registryAdminHeaders(env)).toEqual({ authorization: basic('mdp-admin:pw') });
  });

  it('no header when the user or the password is unset: the server names what is missing', () => {
    expect(registryAdminHeaders({ SCHEMA_REGISTRY_ADMIN_USER: 'mdp-admin' })).toEqual({});
    expect(connectHeaders({ KAFKA_CONNECT_PASSWORD: 'p' })).toEqual({});
  });
});
