import { EventFates, eventFates, observeDrops, watchSentEvents } from './event-fates';

describe('EventFates', () => {
  it('tells an event its fate once, and ignores events it does not wait for', () => {
    const fates = new EventFates();
    const heard: boolean[] = [];
    fates.expect('a', (sent) => heard.push(sent));
    fates.settle('b', true);
    fates.settle('a', false);
    fates.settle('a', true);
    expect(heard).toEqual([false]);
    expect(fates.size).toBe(0);
  });

  it('keeps at most 1000 events waiting, forgetting the oldest', () => {
    const fates = new EventFates();
    for (let i = 0; i < 1500; i++) fates.expect(`e${i}`, () => undefined);
    expect(fates.size).toBe(1000);
    expect(fates.has('e0')).toBe(false);
    expect(fates.has('e1499')).toBe(true);
  });
});

describe('observeDrops and watchSentEvents', () => {
  it('report an event an integration drops (sync or async) and one handed to the transport', async () => {
    const heard: [string, boolean][] = [];
    for (const id of ['d1', 'd2', 's1']) eventFates.expect(id, (sent) => heard.push([id, sent]));
    type Processor = (event: { event_id?: string }, hint: object, client: unknown) => unknown;
    const dedupe = observeDrops<{ processEvent: Processor }>({ processEvent: () => null });
    const context = observeDrops<{ processEvent: Processor }>({ processEvent: async () => null });
    dedupe.processEvent({ event_id: 'd1' }, {}, undefined);
    await context.processEvent({ event_id: 'd2' }, {}, undefined);
    let hook: ((event: { event_id?: string }) => void) | undefined;
    const client = { on: (_name: string, cb: typeof hook) => (hook = cb) };
    watchSentEvents(client);
    watchSentEvents(client);
    hook!({ event_id: 's1' });
    expect(heard).toEqual([
      ['d1', false],
      ['d2', false],
      ['s1', true],
    ]);
  });
});
