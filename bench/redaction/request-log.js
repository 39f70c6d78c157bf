'use strict';
// A request-log object of about 1.5 KB, shaped like what a logger sees for a failed request.

function requestLog(i = 0) {
  return {
    level: 50,
    time: 1764115200000 + i,
    requestId: `3f0c9a4e-6a55-4c1e-9a53-2b1f0f1d7c${String(i % 100).padStart(2, '0')}`,
    req: {
      method: 'POST',
      url: '/orders/42/items?page=2&sort=desc',
      headers: {
        host: 'api.example.com',
        'user-agent':
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
        accept: 'application/json',
        'accept-language': 'en-GB,en;q=0.9',
        'content-type': 'application/json',
        'content-length': '412',
        authorization: 'Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0',
        cookie: 'session=8c1b2a3d4e5f60718293a4b5c6d7e8f9; theme=dark',
        'x-api-key': 'ak_live_51HcXyZ0123456789abcdef',
        'x-forwarded-for': '203.0.113.7',
      },
      query: { page: '2', sort: 'desc' },
      body: {
        customer: { name: 'Ann Example', email: 'ann@example.com', password: 'correct horse battery staple' },
        items: [
          { sku: 'BOOK-0001', quantity: 1, note: 'gift wrap please' },
          { sku: 'PEN-0042', quantity: 3, note: 'blue ink' },
        ],
        token: 'tok_1Nv0aB2cD3eF4gH5iJ6kL7mN',
        shipping: { street: '1 Example Road', city: 'Springfield', zip: '12345', country: 'GB' },
        comment: 'Please deliver after 5pm; leave with the neighbour at number 3 if nobody answers.',
      },
    },
    res: { statusCode: 500, headers: { 'content-type': 'application/problem+json', 'x-request-id': 'abc' } },
    responseTime: 12,
    err: { type: 'Error', message: 'upstream timed out', code: 'ETIMEDOUT' },
    msg: 'request failed',
  };
}

/** The secret locations, as explicit paths (what fast-redact needs to be told). */
const PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.body.customer.password',
  'req.body.token',
];

/** The secret values, to check every redactor removed them all. */
const SECRETS = [
  '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
  '8c1b2a3d4e5f60718293a4b5c6d7e8f9',
  'ak_live_51HcXyZ0123456789abcdef',
  'correct horse battery staple',
  'tok_1Nv0aB2cD3eF4gH5iJ6kL7mN',
];

module.exports = { requestLog, PATHS, SECRETS };
