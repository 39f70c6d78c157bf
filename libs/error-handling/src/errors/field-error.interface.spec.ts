import { escapePointerSegment, fieldError } from './field-error.interface';

describe('fieldError', () => {
  it('builds a JSON pointer fragment and a dot path from path segments', () => {
    expect(fieldError(['items', '0', 'name'], 'isString', 'name must be a string')).toEqual({
      pointer: '#/items/0/name',
      field: 'items.0.name',
      code: 'isString',
      detail: 'name must be a string',
    });
  });

  it('escapes "~" and "/" in pointer segments as RFC 6901 requires', () => {
    expect(escapePointerSegment('a/b~c')).toBe('a~1b~0c');
    expect(escapePointerSegment('~1')).toBe('~01');
    expect(fieldError(['meta', 'content/type'], 'isIn', 'x').pointer).toBe('#/meta/content~1type');
    expect(fieldError(['meta', 'content/type'], 'isIn', 'x').field).toBe('meta.content/type');
    // Either character alone, and names with neither, which are used as they are.
    expect(escapePointerSegment('a/b')).toBe('a~1b');
    expect(escapePointerSegment('~')).toBe('~0');
    expect(escapePointerSegment('quantity')).toBe('quantity');
    expect(fieldError(['x~/y'], 'isIn', 'x')).toMatchObject({ pointer: '#/x~0~1y', field: 'x~/y' });
  });
});

describe('fieldError for the whole body', () => {
  it('points at the document root with "#"', () => {
    expect(fieldError([], 'isObject', 'the body must be an object')).toEqual({
      pointer: '#',
      field: '',
      code: 'isObject',
      detail: 'the body must be an object',
    });
  });
});
