// Builds the library and the sample app (incrementally) so tests can run the built app as a
// real process, as production does.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async () => {
  const root = join(__dirname, '..', '..');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'apps/sample/tsconfig.app.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
};
