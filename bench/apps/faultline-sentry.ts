// "Faultline (everything on)" with Sentry on in its errors-only default: the instrument entry
// first (SENTRY_DSN is the bench's local receiver), then the very same app, started here: its
// module starts it only when run itself. SIGUSR2 shuts it down gracefully, so the sampling's
// summaries of the window so far are sent (bench/sentry counts them); SIGTERM still exits at once
// (bench/apps/routes.ts), for --cpu-prof.
import 'nestjs-faultline/instrument';
import { enableGracefulShutdown } from 'nestjs-faultline';
import { main } from './faultline';

void main().then((app) => enableGracefulShutdown(app, { signals: ['SIGUSR2'] }));
