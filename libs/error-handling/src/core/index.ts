export { type Clock, type ClockTimer, systemClock } from './clock';
export {
  RequestScope,
  type RequestStoreSource,
  currentRequestScope,
  withRequestScope,
} from './request-scope';
