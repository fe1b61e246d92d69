import { describe, expect, it } from 'vitest';
import { kafkaLogin, KAFKA_ADMIN_ENV } from '../src/index.js';

describe('kafkaLogin', () => {
  it('is SCRAM-SHA-512 with KAFKA_USER and KAFKA_PASSWORD, none when neither is set', () => {
    expect(kafkaLogin({ KAFKA_USER: 'mdp-reader', KAFKA_PASSWORD: 'pw' })).toEqual({
      mechanism: 'scram-sha-512',
      username: 'mdp-reader',
      password: 'pw',
    });
    expect(kafkaLogin({ KAFKA_BROKERS: 'b:1' })).toBeUndefined();
  });

  it("reads another user's names when told, and keeps a half-set login (Kafka refuses it, naming why)", () => {
    const env = { KAFKA_USER: 'mdp-reader', KAFKA_PASSWORD: 'pw', KAFKA_ADMIN_USER: 'mdp-admin' };
    expect(kafkaLogin(env, KAFKA_ADMIN_ENV)).toEqual({
      mechanism: 'scram-sha-512',
      username: 'mdp-admin',
      password: '',
    });
  });
});
