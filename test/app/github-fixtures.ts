import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import type { Queue } from '../../src/jobs/index.js';
import { createApp } from '../../src/app/create-app.js';
import { Background } from '../../src/app/deps.js';
import type { RepairRequest } from '../../src/app/request.js';

const require = createRequire(import.meta.url);
const webhookExamples = require('@octokit/webhooks-examples') as {
  name: string;
  examples: Record<string, unknown>[];
}[];
const openapi = require('@octokit/openapi/generated/api.github.com.json') as {
  components: { examples: Record<string, { value: unknown }> };
};

export const API = 'https://api.github.com';
export const REPO = '/repos/Codertocat/Hello-World';

/** A webhook payload from @octokit/webhooks-examples (real GitHub deliveries), deep-copied for editing. */
export function webhookPayload(event: string, match: (example: Record<string, unknown>) => boolean) {
  const found = webhookExamples.find((e) => e.name === event)?.examples.find(match);
  if (!found) throw new Error(`no ${event} example matches`);
  // Events delivered to an App always carry the installation.
  return {
    ...structuredClone(found),
    installation: { id: 1, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' },
  } as Record<
    string,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    any
  >;
}

/** A response body as GitHub documents it in its OpenAPI description (@octokit/openapi). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function apiExample(name: string): any {
  const example = openapi.components.examples[name];
  if (!example) throw new Error(`no OpenAPI example ${name}`);
  return structuredClone(example.value);
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

/** A Probot with the app loaded; `receive` resolves once the replies the handler left running are sent too. */
export function testProbot(queue: Queue<RepairRequest>): Pick<Probot, 'receive'> {
  const errors: unknown[] = [];
  const background = new Background((error) => errors.push(error));
  const probot = new Probot({
    appId: 123,
    privateKey: pem,
    // Probot layers its own throttle options on top of the class defaults; a defaults function runs last and
    // turns throttling (which spaces writes a second apart) and retries off for tests.
    Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      retry: { enabled: false },
      throttle: { ...(options.throttle as object), enabled: false },
    })),
    logLevel: 'warn',
  });
  probot.load(createApp({ queue, appSlug: 'mimo-code', background }));
  return {
    async receive(event) {
      await probot.receive(event);
      await background.idle();
      if (errors.length > 0) throw errors[0];
    },
  };
}

/** Installation token exchange, as every handler's first request. */
export function mockInstallationToken(scope = nock(API)) {
  // Optional: Probot caches installation tokens, so only the first handler of a test run may ask for one.
  return scope
    .post('/app/installations/1/access_tokens')
    .optionally()
    .reply(201, apiExample('installation-token'));
}

export function permission(level: 'admin' | 'write' | 'read' | 'none') {
  const body = apiExample('repository-collaborator-permission-response-if-user-has-admin-permissions');
  body.permission = level;
  body.role_name = level;
  return body;
}

export function configFile(yaml: string) {
  const body = apiExample('content-file-response-if-content-is-a-file');
  body.path = '.github/mimo.yml';
  body.name = 'mimo.yml';
  body.content = Buffer.from(yaml).toString('base64');
  return body;
}
