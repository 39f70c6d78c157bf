/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const shared = {
  // @nestjs/terminus 12 ships ES modules only; Jest's CommonJS runtime needs them compiled.
  transform: { '^.+\\.ts$': swc, '/node_modules/@nestjs/terminus/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/terminus/)'],
  moduleNameMapper: {
    '^nestjs-faultline$': '<rootDir>/libs/error-handling/src',
    '^nestjs-faultline/instrument$': '<rootDir>/libs/error-handling/src/instrument',
  },
  // The consumer fixture apps run their own tests, in their own installs (test/consumers/run.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/consumers/'],
  testEnvironment: 'node',
};

module.exports = {
  // e2e hooks start real apps: PGlite alone takes 2-8 s on an idle 2-core machine and over 30 s
  // when CI's two legs and other work share the cores. A timeout bounds a hang, not a speed.
  testTimeout: 90_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.js',
      globalTeardown: '<rootDir>/test/support/global-teardown.js',
    },
  ],
};
