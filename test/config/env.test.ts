// The environment is read once into one typed object; a malformed variable is an error that names it.
import { EnvError, readEnv } from '../../src/config/index.js';

describe('readEnv', () => {
  it('gives the documented defaults for an empty environment', () => {
    const env = readEnv({});
    expect(env).toMatchObject({
      production: false,
      http: { port: 3000, host: 'localhost' },
      logLevel: 'info',
      queue: {},
      embeddedWorker: true,
      concurrency: 2,
      extraCaDir: '/usr/local/share/ca-certificates',
      debianMirror: 'http://deb.debian.org/debian',
      web: { runsDir: 'data/runs' },
      models: {},
    });
    expect(env.github).toEqual({});
  });

  it('types and groups what is set: GitHub Enterprise API, queue, web, model keys kept apart', () => {
    const env = readEnv({
      APP_ID: '42',
      GHE_HOST: 'ghe.example:8443',
      GHE_PROTOCOL: 'http',
      PORT: '0',
      REDIS_URL: 'redis://127.0.0.1:6379',
      MIMO_EMBEDDED_WORKER: 'false',
      MIMO_CONCURRENCY: ' 4 ',
      MIMO_PUBLIC_URL: 'https://mimo.example/',
      MIMO_RUNS_SECRET: 'rotate-me',
      OPENAI_API_KEY: 'sk-test',
      MIMO_MODEL: 'openai:gpt-4.1',
      UNRELATED: 'ignored',
    });
    expect(env.github).toEqual({ appId: 42, apiBaseUrl: 'http://ghe.example:8443/api/v3' });
    expect(env.http.port).toBe(0);
    expect(env.queue).toEqual({ redisUrl: 'redis://127.0.0.1:6379' });
    expect(env.embeddedWorker).toBe(false);
    expect(env.concurrency).toBe(4);
    expect(env.web).toEqual({
      publicUrl: 'https://mimo.example',
      runsSecret: 'rotate-me',
      runsDir: 'data/runs',
    });
    expect(env.models).toEqual({ OPENAI_API_KEY: 'sk-test' });
    expect(env.defaultModel).toBe('openai:gpt-4.1');
  });

  it.each([
    ['PORT', 'eighty', /PORT: expected a whole number from 0 to 65535/],
    ['MIMO_CONCURRENCY', '0', /MIMO_CONCURRENCY: expected a whole number from 1 to 256/],
    ['MIMO_EMBEDDED_WORKER', 'nope', /MIMO_EMBEDDED_WORKER: expected true or false/],
    ['MIMO_PUBLIC_URL', 'mimo.example', /MIMO_PUBLIC_URL: expected an absolute URL/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: /],
  ])('rejects %s=%s with a message naming it', (name, value, message) => {
    let error: unknown;
    try {
      readEnv({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).variable).toBe(name);
    expect((error as Error).message).toMatch(message);
  });
});
