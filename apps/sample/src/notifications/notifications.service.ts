import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from 'nestjs-faultline';
import { Observable, Subject } from 'rxjs';
import { SqlClient } from '../database/sql-client.interface';
import type { CreateNotificationDto } from './create-notification.dto';
import { type Notification, type NotificationRow, toNotification } from './notification';

const COLUMNS = 'id, recipient_id, title, body, read_at, created_at';

@Injectable()
export class NotificationsService {
  /**
   * One subject per user with an open stream, in this process only (instances behind a load
   * balancer would share them through Redis or PostgreSQL's LISTEN): created by the user's first
   * stream and dropped when the last one closes, so a user who left costs nothing.
   */
  private readonly streams = new Map<number, Subject<Notification>>();
  private open = 0;

  constructor(@Inject(SqlClient) private readonly sql: SqlClient) {}

  /** The caller's newest notifications. */
  async list(userId: number, limit = 100): Promise<Notification[]> {
    const { rows } = await this.sql.query<NotificationRow>(
      `SELECT ${COLUMNS} FROM notifications WHERE recipient_id = $1 ORDER BY id DESC LIMIT $2`,
      [userId, limit],
    );
    return rows.map(toNotification);
  }

  /** One of the caller's notifications; 404 for an unknown id or someone else's. */
  async get(userId: number, id: number): Promise<Notification> {
    const { rows } = await this.sql.query<NotificationRow>(
      `SELECT ${COLUMNS} FROM notifications WHERE id = $1 AND recipient_id = $2`,
      [id, userId],
    );
    if (rows.length === 0) throw new NotFoundError('Notification', id);
    return toNotification(rows[0]);
  }

  /** Creates a notification; an unknown recipient is a foreign-key violation (409). */
  async create(dto: CreateNotificationDto): Promise<Notification> {
    const { rows } = await this.sql.query<NotificationRow>(
      `INSERT INTO notifications (recipient_id, title, body) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [dto.recipientId, dto.title, dto.body],
    );
    const notification = toNotification(rows[0]);
    // The recipient's open streams (GET /notifications/stream) hear of it at once.
    this.streams.get(notification.recipientId)?.next(notification);
    return notification;
  }

  /** Marks one of the caller's notifications read; 404 for an unknown id or someone else's. */
  async markRead(userId: number, id: number): Promise<Notification> {
    const { rows } = await this.sql.query<NotificationRow>(
      `UPDATE notifications SET read_at = COALESCE(read_at, now())
       WHERE id = $1 AND recipient_id = $2 RETURNING ${COLUMNS}`,
      [id, userId],
    );
    if (rows.length === 0) throw new NotFoundError('Notification', id);
    return toNotification(rows[0]);
  }

  /** Deletes notifications read more than `days` days ago; resolves with how many. */
  async purgeRead(days: number): Promise<number> {
    const { rowCount } = await this.sql.query(
      `DELETE FROM notifications WHERE read_at IS NOT NULL AND read_at < now() - make_interval(days => $1)`,
      [days],
    );
    return rowCount;
  }

  /** Marks every unread notification of the caller read. */
  async markAllRead(userId: number): Promise<{ count: number }> {
    const { rowCount } = await this.sql.query(
      'UPDATE notifications SET read_at = now() WHERE recipient_id = $1 AND read_at IS NULL',
      [userId],
    );
    return { count: rowCount };
  }

  /** New notifications of `userId` as they are created, for as long as the caller subscribes. */
  newFor(userId: number): Observable<Notification> {
    return new Observable<Notification>((subscriber) => {
      const subject = this.streams.get(userId) ?? new Subject<Notification>();
      this.streams.set(userId, subject);
      const subscription = subject.subscribe(subscriber);
      this.open++;
      return () => {
        this.open--;
        subscription.unsubscribe();
        if (!subject.observed && this.streams.get(userId) === subject) this.streams.delete(userId);
      };
    });
  }

  /** Streams open now, and the users they belong to (the subjects kept). */
  openStreams(): { streams: number; users: number } {
    return { streams: this.open, users: this.streams.size };
  }
}
