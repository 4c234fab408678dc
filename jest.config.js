const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('yaml');

// Tests run from TypeScript sources through SWC; workspace packages resolve to their src/.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
  },
];

/** `@switchyard/<name>` (and its subpaths) → the sources of each package supergraph.yaml lists. */
function subgraphModules() {
  const { subgraphs } = parse(readFileSync(join(__dirname, 'supergraph.yaml'), 'utf8'));
  return Object.fromEntries(
    Object.entries(subgraphs).flatMap(([name, { package: folder }]) => {
      const src = `<rootDir>/${folder.replace(/^\.\//, '')}/src`;
      return [
        [`^@switchyard/${name}$`, src],
        [`^@switchyard/${name}/(.+)$`, `${src}/$1`],
      ];
    }),
  );
}

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // jose ships ES modules only; the tests run as CommonJS, so it is compiled like our sources.
  transform: { '^.+\\.ts$': swc, '/node_modules/jose/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper: {
    // Sources import siblings as './x.js' (Node ESM-style); jest resolves them to the .ts files.
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^@switchyard/(kit|testing|stack|cli)$': '<rootDir>/packages/$1/src',
    '^@switchyard/gateway$': '<rootDir>/gateway/src',
    '^@switchyard/gateway/(.+)$': '<rootDir>/gateway/src/$1',
    '^@switchyard/simulator$': '<rootDir>/clients/simulator/src',
    '^@switchyard/sensor-feed$': '<rootDir>/clients/sensor-feed/src',
    '^@switchyard/bench-client$': '<rootDir>/clients/bench/src',
    // Every subgraph the registry (supergraph.yaml) lists, from its package's sources.
    ...subgraphModules(),
  },
  testMatch: ['**/__tests__/**/*.test.ts', '**/src/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/packages/testing/global-setup.mjs',
  globalTeardown: '<rootDir>/packages/testing/global-teardown.mjs',
  // Generous: a file's stack starts in its beforeAll, which a loaded machine slows several times over.
  testTimeout: 60000,
  // Both cores: jest's default (cores - 1) leaves one idle on a 2-core machine, while its main
  // process mostly waits.
  maxWorkers: 2,
  // A handle a test leaks is reported, and must not keep CI waiting until its time limit.
  forceExit: true,
};
