import { withoutStack } from './without-stack';

describe('withoutStack', () => {
  it('makes an error whose stack is its first line alone', () => {
    const e = withoutStack(() => new RangeError('too far'));
    expect(e.stack).toBe('RangeError: too far');
    expect(new Error('later').stack).toMatch(/\n\s+at /);
  });

  it('puts the stack limit back even when the construction throws', () => {
    const before = Error.stackTraceLimit;
    expect(() =>
      withoutStack(() => {
        throw new Error('in the constructor');
      }),
    ).toThrow('in the constructor');
    expect(Error.stackTraceLimit).toBe(before);
  });
});
