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
      MIMO_REDIS_PREFIX: 'mimo-staging',
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
    expect(env.queue).toEqual({ redisUrl: 'redis://127.0.0.1:6379', prefix: 'mimo-staging' });
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
    ['REDIS_URL', 'localhost:6379', /REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL/],
    ['MIMO_REDIS_PREFIX', 'mimo prod:', /MIMO_REDIS_PREFIX: expected a short key prefix/],
    ['MIMO_MAX_PIDS', 'lots', /MIMO_MAX_PIDS: expected a positive whole number \(found "lots"\)/],
    ['MIMO_WEBHOOK_MAX_BYTES', '1e3.5', /MIMO_WEBHOOK_MAX_BYTES: expected a positive whole number/],
    ['MIMO_INBOX_MAX_PENDING', '0', /MIMO_INBOX_MAX_PENDING: expected a positive whole number/],
    ['MIMO_TRIAGE_CONCURRENCY', '0', /MIMO_TRIAGE_CONCURRENCY: expected a whole number from 1 to 1024/],
    ['MIMO_RECOVERY_WINDOW_HOURS', '-1', /MIMO_RECOVERY_WINDOW_HOURS: expected a non-negative number/],
    ['MIMO_TRIAGE_BACKOFF_MS', 'soon', /MIMO_TRIAGE_BACKOFF_MS: expected a positive number/],
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

  it("gives the inbox, triage and recovery limits, with GitHub's 25 MB cap and 0 turning recovery off", () => {
    expect(readEnv({}).inbox).toEqual({
      maxBytes: 25 * 1024 * 1024,
      maxInflightBytes: 100 * 1024 * 1024,
      maxPending: 10_000,
      maxAgeMs: 86_400_000,
      retentionMs: 7 * 86_400_000,
      triageConcurrency: 8,
      triageAttempts: 6,
      backoffMs: 2000,
      recoveryWindowMs: 24 * 3_600_000,
      recoveryIntervalMs: 600_000,
    });
    const inbox = readEnv({
      MIMO_WEBHOOK_MAX_BYTES: String(64 * 1024 * 1024),
      MIMO_WEBHOOK_INFLIGHT_BYTES: '1024',
      MIMO_INBOX_MAX_AGE_SECONDS: '1.5',
      MIMO_TRIAGE_CONCURRENCY: '2',
      MIMO_RECOVERY_WINDOW_HOURS: '0',
      MIMO_RECOVERY_INTERVAL_SECONDS: '1',
    }).inbox;
    expect(inbox).toMatchObject({
      maxBytes: 25 * 1024 * 1024,
      maxInflightBytes: 25 * 1024 * 1024,
      maxAgeMs: 1500,
      triageConcurrency: 2,
      recoveryWindowMs: 0,
      recoveryIntervalMs: 1000,
    });
  });

  it('keeps only the operator ceilings that are set', () => {
    expect(readEnv({}).ceilings).toEqual({});
    expect(
      readEnv({ MIMO_MAX_CPUS: '1.5', MIMO_MAX_ITERATIONS: '4', MIMO_MAX_COST_USD: '' }).ceilings,
    ).toEqual({
      cpus: 1.5,
      iterations: 4,
    });
  });
});
