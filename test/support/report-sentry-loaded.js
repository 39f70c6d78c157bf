'use strict';
// Preloaded with NODE_OPTIONS=--require: on exit, prints whether any @sentry module was loaded.
process.on('exit', () => {
  const loaded = Object.keys(require.cache).some((path) =>
    path.includes(`${require('node:path').sep}@sentry${require('node:path').sep}`),
  );
  process.stdout.write(`\nSENTRY_LOADED=${loaded}\n`);
});
