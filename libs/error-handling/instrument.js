'use strict';
// nestjs-faultline/instrument: import first in main.ts when Sentry is on (docs/sentry.md).
require('./dist/instrument');
