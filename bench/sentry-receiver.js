'use strict';
// A local stand-in for Sentry's ingest: accepts envelopes and answers 200. PORT from env.
const { createServer } = require('node:http');

let events = 0;
createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url && req.url.includes('/envelope')) events++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(req.url === '/count' ? JSON.stringify({ events }) : '{}');
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
