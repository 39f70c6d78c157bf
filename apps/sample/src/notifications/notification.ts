/** A notification as the API returns it. */
export interface Notification {
  id: number;
  recipientId: number;
  title: string;
  body: string;
  readAt: string | null;
  createdAt: string;
}

/** A row of the `notifications` table. */
export interface NotificationRow {
  id: number;
  recipient_id: number;
  title: string;
  body: string;
  read_at: Date | string | null;
  created_at: Date | string;
}

export function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    recipientId: row.recipient_id,
    title: row.title,
    body: row.body,
    readAt: row.read_at === null ? null : new Date(row.read_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
  };
}
