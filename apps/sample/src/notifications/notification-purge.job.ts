import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Jobs } from 'nestjs-faultline';
import { NotificationsService } from './notifications.service';

/** How often read notifications are purged, and how old they must be. */
const EVERY_MS = 60 * 60 * 1000;
const OLDER_THAN_DAYS = 30;

/**
 * A scheduled job: every hour, notifications read more than 30 days ago are deleted. It runs
 * through Faultline's `Jobs`, so each run has a `jobId` on its lines, and a failure is logged,
 * counted (`faultline_jobs_total`), reported and alerted like a request's.
 */
@Injectable()
export class NotificationPurge implements OnApplicationBootstrap, OnApplicationShutdown {
  static readonly JOB = 'purge-read-notifications';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly jobs: Jobs,
    private readonly notifications: NotificationsService,
  ) {}

  onApplicationBootstrap(): void {
    // A scheduler of its own would do (@nestjs/schedule's @Interval); the timer keeps the sample small.
    this.timer = setInterval(() => void this.run().catch(() => undefined), EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * One run; `fail` makes it fail the way a bug would (DEMO_FAULTS=1's `POST /demo/job`), with a
   * secret in its message that the log line and the alert must not show.
   */
  run(fail = false): Promise<{ purged: number }> {
    return this.jobs.run(NotificationPurge.JOB, async () => {
      if (fail) throw new Error('demo job failure: purge query rejected for password=demo-job-secret-7c1e');
      return { purged: await this.notifications.purgeRead(OLDER_THAN_DAYS) };
    });
  }
}
