import { Listeners } from './listeners';

describe('Listeners', () => {
  it('tells every listener in the order added, first ones before the others', () => {
    const told: string[] = [];
    const listeners = new Listeners<[string]>();
    listeners.add((x) => told.push(`a:${x}`));
    listeners.add((x) => told.push(`b:${x}`));
    listeners.add((x) => told.push(`first:${x}`), { first: true });
    listeners.emit(['1']);
    expect(told).toEqual(['first:1', 'a:1', 'b:1']);
  });

  it('removes one registration per remover, once', () => {
    const told: number[] = [];
    const listeners = new Listeners<[]>();
    const listener = () => told.push(1);
    const removeFirst = listeners.add(listener);
    listeners.add(listener);
    removeFirst();
    removeFirst();
    listeners.emit([]);
    expect(told).toEqual([1]);
    expect(listeners.current).toHaveLength(1);
  });

  it('keeps telling the others when one throws, and hands the throw to onError', () => {
    const told: string[] = [];
    const errors: unknown[] = [];
    const listeners = new Listeners<[string]>();
    const failing = () => {
      throw new Error('listener failed');
    };
    listeners.add(failing);
    listeners.add((x) => told.push(x));
    listeners.emit(['after'], (error, listener) => {
      errors.push(error);
      expect(listener).toBe(failing);
    });
    expect(told).toEqual(['after']);
    expect(errors).toEqual([new Error('listener failed')]);
    // Without onError the throw is dropped, and the others are still told.
    listeners.emit(['again']);
    expect(told).toEqual(['after', 'again']);
  });

  it('tells those present when the emit began, whatever a listener adds or removes meanwhile', () => {
    const told: string[] = [];
    const listeners = new Listeners<[]>();
    let removeB = (): void => undefined;
    listeners.add(() => {
      told.push('a');
      removeB();
      listeners.add(() => told.push('late'));
    });
    removeB = listeners.add(() => told.push('b'));
    listeners.emit([]);
    expect(told).toEqual(['a', 'b']);
    listeners.emit([]);
    expect(told).toEqual(['a', 'b', 'a', 'late']);
  });
});
