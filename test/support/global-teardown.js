// Jest's globalTeardown for the e2e project: removes the PGlite template the global setup made,
// with every copy the tests made of it (test/support/pglite-dirs.ts).
const { rmSync } = require('node:fs');
const { dirname } = require('node:path');

module.exports = async () => {
  const template = process.env.FAULTLINE_TEST_PGLITE_TEMPLATE;
  if (template) rmSync(dirname(template), { recursive: true, force: true });
};
