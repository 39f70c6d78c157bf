// "Faultline (everything on)" with Sentry on in its errors-only default: the instrument entry
// first (SENTRY_DSN is the bench's local receiver), then the very same app.
import 'nestjs-faultline/instrument';
import './faultline';
