import { NotFoundError } from '../errors/app.error';
import { describeType, safeGet, safeInstanceOf, safePrototypeOf, safeString } from './safe-access';

const throwing = () => {
  throw new Error('trap');
};

describe('safe access to hostile thrown values', () => {
  it('reads properties of objects and functions', () => {
    expect(safeGet({ a: 1 }, 'a')).toBe(1);
    expect(safeGet(NotFoundError, 'name')).toBe('NotFoundError');
    expect(safeString({ a: 'x' }, 'a')).toBe('x');
    expect(safeString({ a: 1 }, 'a')).toBeUndefined();
  });

  it('returns undefined for primitives and for getters and traps that throw', () => {
    const getter = Object.defineProperty({}, 'a', { get: throwing });
    const proxy = new Proxy({}, { get: throwing, getPrototypeOf: throwing });

    expect(safeGet('abc', 'length')).toBeUndefined();
    expect(safeGet(null, 'a')).toBeUndefined();
    expect(safeGet(getter, 'a')).toBeUndefined();
    expect(safeGet(proxy, 'a')).toBeUndefined();
    expect(safePrototypeOf(proxy)).toBeNull();
    expect(safeInstanceOf(proxy, Error)).toBe(false);
  });

  it('describes the type of any value', () => {
    expect(describeType(null)).toBe('null');
    expect(describeType(undefined)).toBe('undefined');
    expect(describeType('x')).toBe('string');
    expect(describeType(Symbol('x'))).toBe('symbol');
    expect(describeType(new NotFoundError('X'))).toBe('NotFoundError');
    expect(describeType(Object.create(null))).toBe('Object');
    expect(describeType(new Proxy({}, { getPrototypeOf: throwing }))).toBe('Object');
  });
});
