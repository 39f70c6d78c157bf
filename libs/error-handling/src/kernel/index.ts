export { type Clock, type ClockTimer, systemClock } from './clock';
export { RequestScope, currentRequestScope, runInRequestScope } from './request-scope';
