// Jest runs the TypeScript sources as native ESM (Probot 14 is ESM-only) through @swc/jest.
// globalSetup builds dist/ once so the CLI and server tests exercise the real `mimo` binary and `npm start`.
//
// Three projects, run one after another by `npm test` (scripts/test.js) in this order, and by CI the same way:
//   unit   — no Docker engine needed (fakes, real git/SQLite/Redis/pytest on the host, recorded HTTP);
//   engine — against the real Docker engine (sandbox, hostile suites, the Dockerfile, CLI repairs);
//   e2e    — the app as `npm start` runs it, against the GitHub double (processes killed and restarted).
// A file belongs to `engine` by where it lives or by its name (`*.docker.test.ts`, `sandbox-*.test.ts`). A unit
// file must not use the engine: jest reuses workers, and a nock file's disabled network before it breaks the engine's
// socket (ENETUNREACH).
const ENGINE = [
  '<rootDir>/test/sandbox/**/*.test.ts',
  '<rootDir>/test/hostile/**/*.test.ts',
  '<rootDir>/test/deploy/**/*.test.ts',
  '<rootDir>/test/eval/**/*.test.ts',
  '<rootDir>/test/**/*.docker.test.ts',
  '<rootDir>/test/**/sandbox-*.test.ts',
  '<rootDir>/test/repair/fix-cli.test.ts',
  '<rootDir>/test/repair/local-run.test.ts',
];
const E2E = ['<rootDir>/test/e2e/**/*.test.ts'];

const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Fixture repositories hold package.json files (some deliberately broken): keep them out of jest's module map.
  modulePathIgnorePatterns: ['<rootDir>/test/fixtures/', '<rootDir>/examples/', '<rootDir>/dist/'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 30000,
};

export default {
  globalSetup: '<rootDir>/test/global-setup.js',
  testTimeout: 30000,
  maxWorkers: 2,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        '/test/(sandbox|hostile|deploy|eval|e2e)/',
        '\\.docker\\.test\\.ts$',
        '/sandbox-[^/]*\\.test\\.ts$',
        '/test/repair/(fix-cli|local-run)\\.test\\.ts$',
      ],
    },
    { ...shared, displayName: 'engine', testMatch: ENGINE },
    { ...shared, displayName: 'e2e', testMatch: E2E },
  ],
};
