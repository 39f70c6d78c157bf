// Jest config for the Nest 12 leg of CI (.ci/nest12-leg): jest.config.js, plus the compilation
// of the Nest 12 line, which ships ES modules only (@nestjs/common, core, platform-express,
// platform-fastify, testing, jwt, terminus: "type": "module"). Jest's module system is CommonJS
// (it does not use Node's require() of ES modules), so @swc/jest compiles those packages to
// CommonJS as it does the TypeScript sources. nestjs-pino 5 and @sentry/nestjs 11 are dual
// packages whose `require` condition is CommonJS: they load as they are.
// Run: npm test -- --config jest.nest12.config.js
const base = require('./jest.config.js');

/** swc for the ES modules of node_modules: plain JavaScript, Node's interop for default imports. */
const swcEsm = [
  '@swc/jest',
  {
    jsc: { target: 'es2022', parser: { syntax: 'ecmascript' } },
    // importInterop 'node': `import x from 'cjs-package'` gives module.exports, as under Node.
    module: { type: 'commonjs', importInterop: 'node' },
    sourceMaps: 'inline',
  },
];

/**
 * The ES-module-only packages under node_modules that Jest must compile, as path prefixes after
 * a `node_modules/`. A package nested in another's node_modules needs its own name listed too
 * (Jest skips a file when any `node_modules/` in its path is followed by an unlisted name).
 * path-to-regexp 9 (under @fastify/middie, which @nestjs/platform-fastify 12 loads) is ESM-only;
 * the CommonJS path-to-regexp 8 at the top passes through swc unchanged in meaning.
 */
const ESM_PACKAGES = ['@nestjs/', '@fastify/middie/', 'path-to-regexp/'];

const alternatives = ESM_PACKAGES.map((p) => p.replace(/[/.]/g, '\\$&')).join('|');

module.exports = {
  ...base,
  projects: base.projects.map((project) => {
    const tsTransform = Object.fromEntries(
      Object.entries(project.transform).filter(([pattern]) => !pattern.includes('node_modules')),
    );
    return {
      ...project,
      transform: { ...tsTransform, [`/node_modules/(?:${alternatives}).+\\.js$`]: swcEsm },
      transformIgnorePatterns: [`/node_modules/(?!${alternatives})`],
    };
  }),
};
