// Runs against a real node at PARLEY_URL (web-e2e's JsClientTest starts one and runs this).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParleyClient, ParleyError, login, register } from '../src/index.js';

const base = process.env.PARLEY_URL;
if (!base) throw new Error('set PARLEY_URL to a running node');
const suffix = Math.random().toString(36).slice(2, 8);
let n = 0;

async function user(name) {
  const username = `${name}_${suffix}_${n++}`;
  await register(base, username, 'password-12345');
  const session = await login(base, username, 'password-12345', 'js');
  return { username, ...session, client: (opts = {}) => new ParleyClient({ baseUrl: base, token: session.token, ...opts }) };
}

function waitFor(predicate, what, ms = 10000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (predicate()) resolve();
      else if (Date.now() - started > ms) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

test('pull gets what the device lacks, once, and a send is stored once under its client id', async () => {
  const alice = await user('alice');
  const bob = await user('bob');
  const a = alice.client();
  const c = (await a.openDirect(bob.username)).conversationId;
  const first = await a.send(c, 'hello', { clientId: 'k1' });
  const retry = await a.send(c, 'hello', { clientId: 'k1' });
  assert.deepEqual(retry, first);
  await a.send(c, 'second');

  const b = bob.client();
  const got = [];
  b.on('message', (m) => got.push(m.seq));
  const page = await b.sync();
  assert.deepEqual(got, [1, 2]);
  assert.equal(b.positions[String(c)], 2);
  assert.ok(page.receipts.length >= 2);
  await b.sync();
  assert.deepEqual(got, [1, 2], 'nothing twice');
});

test('a long poll wakes for a message', async () => {
  const alice = await user('alice');
  const bob = await user('bob');
  const a = alice.client();
  const c = (await a.openDirect(bob.username)).conversationId;
  const b = bob.client();
  await b.sync();
  const waiting = b.sync({ wait: 20 });
  await new Promise((r) => setTimeout(r, 300));
  const t0 = Date.now();
  await a.send(c, 'wake up');
  const page = await waiting;
  assert.equal(page.entries[0].body, 'wake up');
  assert.ok(Date.now() - t0 < 5000);
});

test('the WebSocket delivers live, and a reconnect resumes from the positions with nothing twice', async () => {
  const alice = await user('alice');
  const bob = await user('bob');
  const a = alice.client();
  const c = (await a.openDirect(bob.username)).conversationId;
  const b = bob.client({ positions: {} });
  const got = [];
  b.on('message', (m) => got.push(m.body));
  b.start();
  await waitFor(() => b.state === 'live', 'live');
  await a.send(c, 'one');
  await a.send(c, 'two');
  await waitFor(() => got.length === 2, 'two messages');
  const held = b.positions;
  b.close();

  await a.send(c, 'three');
  const again = bob.client({ positions: held });
  const later = [];
  again.on('message', (m) => later.push(m.body));
  again.start();
  await waitFor(() => later.length === 1 && again.state === 'live', 'the missed message');
  await a.send(c, 'four');
  await waitFor(() => later.length === 2, 'live after resuming');
  assert.deepEqual(later, ['three', 'four']);
  again.close();
});

test('without a WebSocket the client pulls instead', async () => {
  const alice = await user('alice');
  const bob = await user('bob');
  const a = alice.client();
  const c = (await a.openDirect(bob.username)).conversationId;
  class Broken {
    constructor() { setTimeout(() => this.onclose && this.onclose({ code: 1006 }), 5); }
    send() {}
    close() {}
  }
  const b = bob.client({ WebSocket: Broken, fallbackAfter: 2, backoff: { initialMs: 10, maxMs: 20 }, wait: 5 });
  const got = [];
  b.on('message', (m) => got.push(m.body));
  b.start();
  await waitFor(() => b.state === 'pulling', 'the pull fallback');
  await a.send(c, 'by pull');
  await waitFor(() => got.includes('by pull'), 'the pulled message');
  b.close();
});

test('refusals carry the protocol error code', async () => {
  const stranger = new ParleyClient({ baseUrl: base, token: 'x'.repeat(43) });
  await assert.rejects(stranger.me(), (e) => e instanceof ParleyError && e.code === 'unauthenticated' && !e.retryable);
  const alice = await user('alice');
  await assert.rejects(alice.client().send(1, 'nope'), (e) => e.code === 'not_found');
});
