#!/usr/bin/env node
// Readiness probe of the native stack's Kafka: sends a real Metadata request
// (v4, all topics) to host:port and exits 0 only when the broker answers with
// itself in the broker list. Plain JS without dependencies, so it starts in
// milliseconds when process-compose runs it every second.
import { connect } from 'node:net';

const [host = '127.0.0.1', portText = '9092'] = process.argv.slice(2);
const clientId = Buffer.from('mdp-probe');
const request = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length + 4 + 1);
let at = 4;
at = request.writeInt16BE(3, at); // api_key: Metadata
at = request.writeInt16BE(4, at); // api_version 4 (Kafka 4 dropped v0-v3)
at = request.writeInt32BE(1, at); // correlation id
at = request.writeInt16BE(clientId.length, at);
at += clientId.copy(request, at);
at = request.writeInt32BE(-1, at); // topics: null = all
request.writeInt8(0, at); // allow_auto_topic_creation: false
request.writeInt32BE(request.length - 4, 0);

const fail = (why) => {
  process.stderr.write(`kafka not ready at ${host}:${portText}: ${why}\n`);
  process.exit(1);
};
const socket = connect({ host, port: Number(portText) }, () => socket.write(request));
socket.setTimeout(3000, () => fail('no answer within 3 s'));
socket.on('error', (err) => fail(err.message));
let data = Buffer.alloc(0);
socket.on('data', (chunk) => {
  data = Buffer.concat([data, chunk]);
  if (data.length < 4 || data.length < 4 + data.readInt32BE(0)) return;
  // size, correlation id, throttle_time_ms, brokers count
  const brokers = data.length >= 16 ? data.readInt32BE(12) : 0;
  socket.destroy();
  if (data.readInt32BE(4) !== 1 || brokers < 1) fail(`metadata lists ${brokers} brokers`);
  process.exit(0);
});
