export { Jobs, type JobContext, type JobRunOptions } from './jobs.service';
