export { type Clock, type ClockTimer, systemClock } from './clock';
export {
  RequestScope,
  type RequestStoreSource,
  currentRequestScope,
  runInRequestScope,
  withRequestScope,
} from './request-scope';
