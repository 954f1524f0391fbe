// A third-party MLLP receiver for Ferry's engine tests: @medplum/hl7 (pinned in package.json)
// parses each message and answers with its own buildAck(). Bound to 127.0.0.1 only.
// Usage: node mllp_receiver.js OUT_PREFIX
//   OUT_PREFIX.port  the port it listens on (written once listening)
//   OUT_PREFIX.wire  every byte received, as on the wire (MLLP frames included)
//   OUT_PREFIX.msgs  each message as @medplum/hl7 parsed it, one per line (segments joined by \r)
'use strict';
const fs = require('fs');
const net = require('net');
const { Hl7Connection } = require('@medplum/hl7');

const prefix = process.argv[2];
const server = net.createServer((socket) => {
  socket.on('data', (chunk) => fs.appendFileSync(prefix + '.wire', chunk));
  const connection = new Hl7Connection(socket);
  connection.addEventListener('message', ({ message }) => {
    fs.appendFileSync(prefix + '.msgs', message.toString().replace(/\n/g, '\\n') + '\n');
    connection.send(message.buildAck());
  });
  connection.addEventListener('error', () => {});
});
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(prefix + '.port', String(server.address().port));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
