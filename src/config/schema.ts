import { z } from 'zod';

/**
 * `.github/mimo.yml`: every field is optional and has the documented default, so a repository with no file
 * gets `defaultConfig()`. Objects are strict: a misspelt key is an error that names it, not silently ignored.
 */

const positiveInt = (max: number) => z.number().int().min(1).max(max);
const glob = z.string().min(1);

export const MODEL_PROVIDERS = ['none', 'openai', 'anthropic', 'openai-compatible', 'scripted'] as const;

const triggersSchema = z
  .strictObject({
    /** `/mimo fix|stop|status|help` in PR and issue comments, by users with write access. */
    comment: z.boolean().default(true),
    /** Automatic repair when CI fails on a pull request's head (check_run / check_suite / workflow_run). */
    ci: z
      .strictObject({
        enabled: z.boolean().default(false),
        /** Globs of PR head branches to repair automatically. */
        branches: z.array(glob).default(['**']),
        /** Globs of head branches never repaired automatically (the app's own fix branches always are). */
        ignoreBranches: z.array(glob).default([]),
      })
      .prefault({}),
    /** Label that turns an issue into a fix PR; null turns issue mode off. */
    issueLabel: z.string().min(1).nullable().default('mimo'),
    /** Most repair attempts the app makes on one pull request. */
    maxAttemptsPerPr: positiveInt(50).default(3),
    /** Bot accounts (e.g. `dependabot[bot]`) whose events may trigger; other bots are ignored. */
    allowBots: z.array(z.string().min(1)).default([]),
  })
  .prefault({});

const limitsSchema = z
  .strictObject({
    /** Model turns after the deterministic fixers. */
    iterations: positiveInt(100).default(8),
    /** Wall time of the whole job, all iterations and test runs included. */
    wallTimeMinutes: positiveInt(24 * 60).default(30),
    /** Model tokens (input + output) for the whole job. */
    tokens: positiveInt(50_000_000).default(500_000),
    /** Dollars spent on the model for the whole job; never exceeded (checked before each call). */
    costUsd: z.number().min(0).max(1000).default(2),
    /** Wall-clock limit of one command (setup or test run) in the sandbox. */
    commandTimeoutSeconds: positiveInt(6 * 3600).default(600),
  })
  .prefault({});

const modelObjectSchema = z.strictObject({
  provider: z.enum(MODEL_PROVIDERS),
  name: z.string().min(1).optional(),
  baseUrl: z.url().optional(),
});

const sandboxSchema = z
  .strictObject({
    memoryMb: positiveInt(65536).default(2048),
    cpus: z.number().positive().max(64).default(1),
    pids: positiveInt(65536).default(512),
    /** Size of the in-container workspace; a test that writes past it is stopped with "no space left". */
    diskMb: positiveInt(65536).default(4096),
    /**
     * `runsc` runs the tests under gVisor; absent: the operator's MIMO_SANDBOX_RUNTIME (default runc). A repository
     * may raise runc to runsc, never lower the operator's runsc (see applyCeilings).
     */
    runtime: z.enum(['runc', 'runsc']).optional(),
  })
  .prefault({});

/** How a green repair reaches the repository (see docs/deploy.md, "Delivery modes"). */
export const DELIVERY_MODES = ['pr', 'commit', 'suggestions'] as const;

const deliverySchema = z
  .strictObject({
    /**
     * `pr`: a fix pull request against the PR's branch; `commit`: the fix commit pushed onto the PR's branch (same
     * repository, or a fork that allows maintainer edits); `suggestions`: a review with one suggestion per hunk.
     */
    mode: z.enum(DELIVERY_MODES).default('pr'),
    /** Suggestions only when the fix changes at most this many lines; a bigger fix comes as a pull request. */
    maxSuggestionLines: positiveInt(1000).default(30),
  })
  .prefault({});

export const configSchema = z.strictObject({
  /** Test command run in the sandbox; detected from the repository when absent. */
  test: z.string().min(1).optional(),
  /** Dependency install command, run before the tests (with network only if `network.setup`). */
  setup: z.string().min(1).optional(),
  /** Docker image the sandbox runs; the built-in polyglot runner image when absent. */
  image: z.string().min(1).optional(),
  network: z
    .strictObject({
      setup: z.boolean().default(true),
      /** Registries beyond the defaults that setup may reach through the egress proxy (host names, `*.domain`). */
      allow: z
        .array(
          z
            .string()
            .regex(
              /^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i,
              'a host name such as "registry.example.org" or "*.example.org" (no scheme, port or path)',
            )
            .refine((host) => !/^[\d.]+$/.test(host), 'a host name, not an IP address'),
        )
        .default([]),
    })
    .prefault({}),
  triggers: triggersSchema,
  limits: limitsSchema,
  sandbox: sandboxSchema,
  /** `provider:name` (e.g. `openai:gpt-4.1`, `anthropic:claude-sonnet-4-5`, `none`) or an object. */
  model: z.union([z.string().min(1), modelObjectSchema]).default('none'),
  delivery: deliverySchema,
  paths: z
    .strictObject({
      /** Globs the agent may edit. */
      allow: z.array(glob).default(['**']),
      /** Globs the agent may never edit; `.github/workflows/**` is always added. */
      deny: z.array(glob).default([]),
    })
    .prefault({}),
});

export type RawConfig = z.output<typeof configSchema>;
