import { displayPath, isFrameLine, isLibraryFile, parseFrame } from './stack-frame';

describe('parseFrame', () => {
  it('reads the function, file, line and column of an application frame', () => {
    expect(parseFrame('    at OrderService.total (/srv/app/src/order.service.ts:36:13)')).toEqual({
      text: 'at OrderService.total (/srv/app/src/order.service.ts:36:13)',
      fn: 'OrderService.total',
      file: '/srv/app/src/order.service.ts',
      line: 36,
      column: 13,
      library: false,
    });
  });

  it('reads frames without a function, async frames, constructors and ES module URLs', () => {
    expect(parseFrame('    at /srv/app/main.js:3:1')).toMatchObject({
      file: '/srv/app/main.js',
      line: 3,
      library: false,
    });
    expect(parseFrame('    at async Promise.all (index 0)')).toEqual({
      text: 'at async Promise.all (index 0)',
      fn: 'async Promise.all',
      library: true,
    });
    expect(parseFrame('    at new OrderService (/srv/app/a.js:1:2)')).toMatchObject({
      fn: 'new OrderService',
    });
    expect(parseFrame('    at run (file:///srv/app/main.mjs:10:5)')).toMatchObject({
      file: 'file:///srv/app/main.mjs',
      line: 10,
      column: 5,
      library: false,
    });
  });

  it('counts node_modules, Node internals and frames without a file as library frames', () => {
    for (const line of [
      '    at Router.handle (/srv/app/node_modules/express/lib/router/index.js:284:7)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      '    at new Promise (<anonymous>)',
      '    at eval (eval at run (/srv/app/a.js:1:1), <anonymous>:1:1)',
      '    at Object.<anonymous> ([eval]:1:1)',
    ]) {
      expect(parseFrame(line)?.library).toBe(true);
    }
  });

  it('is undefined for a line that is not a frame', () => {
    expect(parseFrame('Error: boom')).toBeUndefined();
    expect(parseFrame('    at')).toBeUndefined();
  });
});

describe('isFrameLine', () => {
  it('knows an indented at line', () => {
    expect(isFrameLine('    at x (/a.js:1:1)')).toBe(true);
    expect(isFrameLine('at x (/a.js:1:1)')).toBe(false);
    expect(isFrameLine('Error: at the door')).toBe(false);
  });
});

describe('isLibraryFile', () => {
  it('tells libraries from application files', () => {
    expect(isLibraryFile('/srv/app/node_modules/@nestjs/core/router/router-proxy.js')).toBe(true);
    expect(isLibraryFile('C:\\app\\node_modules\\rxjs\\index.js')).toBe(true);
    expect(isLibraryFile('node:events')).toBe(true);
    expect(isLibraryFile('internal/process/task_queues.js')).toBe(true);
    expect(isLibraryFile('/srv/app/src/node_modules_helper.ts')).toBe(false);
    expect(isLibraryFile('/srv/app/dist/main.js')).toBe(false);
  });
});

describe('displayPath', () => {
  it('shows a file inside the working directory relative to it, and others as they are', () => {
    expect(displayPath('/srv/app/src/a.ts', '/srv/app')).toBe('src/a.ts');
    expect(displayPath('file:///srv/app/src/a.mjs', '/srv/app')).toBe('src/a.mjs');
    expect(displayPath('/srv/other/a.ts', '/srv/app')).toBe('/srv/other/a.ts');
    expect(displayPath('/srv/app-two/a.ts', '/srv/app')).toBe('/srv/app-two/a.ts');
    expect(displayPath('webpack://app/./src/a.ts', '/srv/app')).toBe('webpack://app/./src/a.ts');
  });
});
