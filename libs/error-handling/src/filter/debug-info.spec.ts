import { Redactor } from '../redaction/redactor';
import { buildDebugInfo, frameLinesOf, redactorOf } from './debug-info';

const redactor = new Redactor();
const req = { method: 'GET', url: '/x', headers: {} };

/** An Error with the given stack (its frames are code locations the test chooses). */
function errorWith(message: string, frames: string[], name = 'Error'): Error {
  const error = new Error(message);
  error.name = name;
  error.stack = [message === '' ? name : `${name}: ${message}`, ...frames].join('\n');
  return error;
}

describe('buildDebugInfo', () => {
  it('keeps the body as it was: exception, message, stack, causes and request, nothing more', () => {
    const info = buildDebugInfo(errorWith('boom', ['    at a (/srv/a.js:1:1)']), req, redactor);
    expect(Object.keys(info)).toEqual(['exception', 'message', 'stack', 'causes', 'request']);
    expect(info.stack).toEqual(['Error: boom', '    at a (/srv/a.js:1:1)']);
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
  });

  it('gives the debug page the redactor that built the member', () => {
    const info = buildDebugInfo(new Error('x'), req, redactor);
    expect(redactorOf(info)).toBe(redactor);
    expect(redactorOf({ ...info })).toBeUndefined();
  });
});

describe('frameLinesOf', () => {
  it('gives the lines after the Type: message header', () => {
    const info = buildDebugInfo(
      errorWith('two\nlines', ['    at a (/srv/a.js:1:1)', '    at b (/srv/b.js:2:2)'], 'TypeError'),
      req,
      redactor,
    );
    expect(frameLinesOf(info.stack)).toEqual(['    at a (/srv/a.js:1:1)', '    at b (/srv/b.js:2:2)']);
  });

  it('never takes a message that imitates frames for frames', () => {
    const forged = 'not found\n    at x (/etc/secret.js:1:1)';
    const info = buildDebugInfo(errorWith(forged, ['    at real (/srv/app.js:3:4)']), req, redactor);
    expect(info.stack[1]).toBe('    at x (/etc/secret.js:1:1)');
    expect(frameLinesOf(info.stack)).toEqual(['    at real (/srv/app.js:3:4)']);
  });

  it("finds the frames of each cause's stack too", () => {
    const cause = errorWith('inner\n    at fake (/etc/x.js:1:1)', ['    at inner (/srv/i.js:1:1)']);
    const outer = Object.assign(errorWith('outer', ['    at outer (/srv/o.js:1:1)']), { cause });
    const info = buildDebugInfo(outer, req, redactor);
    expect(frameLinesOf(info.causes[0].stack)).toEqual(['    at inner (/srv/i.js:1:1)']);
  });

  it('takes the at lines that end a stack built elsewhere', () => {
    expect(frameLinesOf(['Error: x', '    at a (/a.js:1:1)', 'note', '    at b (/b.js:1:1)'])).toEqual([
      '    at b (/b.js:1:1)',
    ]);
    expect(frameLinesOf(['Error: no frames'])).toEqual([]);
  });

  it('takes the at lines that end a stack whose header is not the error’s own (a stack set by hand)', () => {
    const error = new Error('x');
    error.stack = 'Something else\n    at a (/srv/a.js:1:1)';
    const info = buildDebugInfo(error, req, redactor);
    expect(frameLinesOf(info.stack)).toEqual(['    at a (/srv/a.js:1:1)']);
  });
});
