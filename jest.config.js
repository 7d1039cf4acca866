// Jest runs the TypeScript sources as native ESM (Probot 14 is ESM-only) through @swc/jest.
// globalSetup builds dist/ once so the CLI and server tests exercise the real `mimo` binary and `npm start`.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
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
  globalSetup: '<rootDir>/test/global-setup.js',
  testTimeout: 30000,
  maxWorkers: 2,
};
