import { listenAudited } from './audit-routes';

// The same app as faultline-audit with audit off (`audit: false`), the route's @Audit() left in
// place as it would be in an application's code: what turning audit off saves.
void listenAudited(false);
