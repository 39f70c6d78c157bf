/**
 * The sample app's schema; every statement is idempotent, so it runs at each start-up. Sent
 * as one simple query it runs as one transaction, and the advisory lock keeps two instances
 * starting together from racing on CREATE.
 */
export const SCHEMA = `
SELECT pg_advisory_xact_lock(72710901);
CREATE TABLE IF NOT EXISTS users (
  id SERIAL PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'admin'))
);
CREATE TABLE IF NOT EXISTS notifications (
  id SERIAL PRIMARY KEY,
  recipient_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  read_at TIMESTAMPTZ,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS notifications_recipient_idx ON notifications (recipient_id, id DESC);
CREATE TABLE IF NOT EXISTS demo_items (
  key TEXT NOT NULL,
  CONSTRAINT demo_items_key_unique UNIQUE (key)
);
`;
