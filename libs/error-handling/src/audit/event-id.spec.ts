import { auditEventId } from './event-id';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 48-bit millisecond timestamp at the front of a version 7 UUID. */
const millisOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('auditEventId', () => {
  it('is a version 7 UUID with the RFC 9562 variant', () => {
    for (let i = 0; i < 1000; i++) expect(auditEventId()).toMatch(V7);
  });

  it('carries the time it was made', () => {
    const before = Date.now();
    const id = auditEventId();
    const after = Date.now();
    expect(millisOf(id)).toBeGreaterThanOrEqual(before);
    expect(millisOf(id)).toBeLessThanOrEqual(after + 1); // at most one borrowed millisecond
    expect(millisOf(auditEventId(Date.UTC(2031, 0, 2, 3, 4, 5, 6)))).toBe(Date.UTC(2031, 0, 2, 3, 4, 5, 6));
  });

  it('strictly increases, also for many ids in one millisecond', () => {
    const ms = Date.UTC(2032, 5, 6);
    const ids = Array.from({ length: 10_000 }, () => auditEventId(ms));
    for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // 10,000 ids do not fit one millisecond's counter: the timestamp moved on, a few ms at most.
    expect(millisOf(ids.at(-1)!) - ms).toBeGreaterThan(0);
    expect(millisOf(ids.at(-1)!) - ms).toBeLessThan(10);
  });

  it('does not go back when the clock does', () => {
    const first = auditEventId(Date.UTC(2033, 0, 1, 0, 0, 1));
    const second = auditEventId(Date.UTC(2033, 0, 1, 0, 0, 0));
    expect(second > first).toBe(true);
  });
});
