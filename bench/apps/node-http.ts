import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { port } from './routes';

// Bare node:http: the ceiling of this machine. The same routes, answered by hand.
function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/ok')
    return send(res, 200, { ok: true, service: 'bench', items: [1, 2, 3] });
  if (req.method === 'GET' && req.url === '/boom') {
    process.stdout.write(`${JSON.stringify({ level: 50, msg: 'unexpected failure in the handler' })}\n`);
    return send(res, 500, { statusCode: 500, message: 'Internal server error' });
  }
  if (req.method === 'POST' && req.url === '/items') {
    void readBody(req).then((raw) => {
      let body: { name?: unknown; quantity?: unknown };
      try {
        body = JSON.parse(raw) as typeof body;
      } catch {
        return send(res, 400, { statusCode: 400, message: 'malformed body' });
      }
      const errors: string[] = [];
      if (typeof body.name !== 'string' || body.name === '') errors.push('name should not be empty');
      if (!Number.isInteger(body.quantity) || (body.quantity as number) < 1)
        errors.push('quantity must not be less than 1');
      if (errors.length) return send(res, 400, { statusCode: 400, message: errors, error: 'Bad Request' });
      return send(res, 201, { created: body.name, quantity: body.quantity });
    });
    return;
  }
  return send(res, 404, { statusCode: 404, message: `Cannot ${req.method} ${req.url}` });
}).listen(port(), '127.0.0.1');
