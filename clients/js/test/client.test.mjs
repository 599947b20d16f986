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
  return {
    username, ...session,
    client: (opts = {}) => new ParleyClient({
      baseUrl: base, token: session.token, userId: session.userId, deviceId: session.deviceId, ...opts,
    }),
  };
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
  const rejected = [];
  stranger.on('rejected', (e) => rejected.push(e.code));
  await assert.rejects(stranger.me(), (e) => e instanceof ParleyError && e.code === 'unauthenticated' && !e.retryable);
  assert.deepEqual(rejected, ['unauthenticated'], 'a dead token is reported to `rejected`');
  const alice = await user('alice');
  await assert.rejects(alice.client().send(1, 'nope'), (e) => e.code === 'not_found');
});

/** Two users in a direct conversation, each with a started client, both live. */
async function pair() {
  const alice = await user('alice');
  const bob = await user('bob');
  const a = alice.client();
  const b = bob.client();
  const c = (await a.openDirect(bob.username)).conversationId;
  const seen = { a: [], b: [] };
  a.on('message', (m) => seen.a.push(m));
  b.on('message', (m) => seen.b.push(m));
  a.start();
  b.start();
  await waitFor(() => a.state === 'live' && b.state === 'live', 'both live');
  return { alice, bob, a, b, c, seen };
}

test('messages and actions, over the socket and over REST: every entry once, in order, own ones with their sender', async () => {
  const { alice, a, b, c, seen } = await pair();
  const first = await a.send(c, 'over the socket', { clientId: 'same-1' });
  assert.deepEqual(await a.send(c, 'over the socket', { clientId: 'same-1' }), first, 'a retry gets the original answer');
  assert.equal((await a.react(c, first.seq, '👍')).seq, 2);
  assert.equal((await a.react(c, first.seq, '👍')).seq, 0, 'a reaction already there stores nothing');
  assert.equal((await a.edit(c, first.seq, 'edited')).seq, 3);
  assert.equal((await a.deleteMessage(c, first.seq)).seq, 4);
  // A client of the same device that never connects sends over REST; the entry reaches the socket.
  await alice.client().send(c, 'over REST');
  await waitFor(() => seen.a.length === 5 && seen.b.length === 5, 'five entries on both sides');
  for (const got of [seen.a, seen.b]) {
    assert.deepEqual(got.map((m) => m.seq), [1, 2, 3, 4, 5]);
    assert.deepEqual(got.map((m) => m.kind), ['text', 'reaction_added', 'edited', 'deleted', 'text']);
    assert.ok(got.every((m) => m.senderId === alice.userId));
  }
  assert.equal(seen.a[0].own, true, 'the sending client took its own entry from the answer');
  assert.equal(seen.a[0].body, 'over the socket');
  await assert.rejects(a.edit(c, 99, 'no such message'), (e) => e.code === 'target_not_found' && !e.retryable);
  a.close();
  b.close();
});

test('an entry above a hole waits until the hole is fetched, then both reach the handlers in order', async () => {
  const alice = await user('alice');
  const bob = await user('bob');
  const a = alice.client();
  const c = (await a.openDirect(bob.username)).conversationId;
  for (const body of ['one', 'two', 'three']) await a.send(c, body);
  const b = bob.client({ positions: { [c]: 0 } });
  const got = [];
  b.on('message', (m) => got.push(m.seq));
  const mine = await b.send(c, 'mine');
  assert.equal(mine.seq, 4);
  assert.deepEqual(got, [], 'its own entry waits for the three before it');
  await waitFor(() => got.length === 4, 'the hole filled');
  assert.deepEqual(got, [1, 2, 3, 4]);
  assert.equal(b.positions[String(c)], 4);
  b.hold(c, 10);
  assert.equal(b.positions[String(c)], 10, 'hold moves a position forward');
  b.hold(c, 2);
  assert.equal(b.positions[String(c)], 10, 'and never back');
});

test('typing, presence and read receipts over the socket', async () => {
  const { alice, bob, a, b, c } = await pair();
  const presence = [];
  const typing = [];
  const receipts = [];
  b.on('presence', (p) => presence.push(p));
  b.on('typing', (t) => typing.push(t));
  a.on('receipt', (r) => receipts.push(r));
  b.watch([alice.userId]);
  await waitFor(() => presence.some((p) => p.userId === alice.userId && p.online), 'alice online');
  await a.typing(c, true);
  await waitFor(() => typing.some((t) => t.userId === alice.userId && t.typing), 'alice typing');
  const sent = await a.send(c, 'read me');
  await b.markRead(c, sent.seq);
  await waitFor(() => receipts.some((r) => r.userId === bob.userId && r.read === sent.seq), 'the read receipt');
  a.close();
  b.close();
});

test('people, search and files', async () => {
  const { alice, bob, a, b, c, seen } = await pair();
  const profile = await a.updateProfile({ displayName: 'Alice Liddell' });
  assert.equal(profile.displayName, 'Alice Liddell');
  assert.equal((await b.users([alice.userId])).users[0].displayName, 'Alice Liddell');

  await a.send(c, 'the quokka smiles');
  const hits = (await b.search('quokka')).hits;
  assert.deepEqual(hits.map((h) => [h.conversationId, h.seq]), [[c, 1]]);

  const fractions = [];
  const file = await a.upload(new Blob(['plain words, as a file\n']), { name: 'note.txt', onProgress: (f) => fractions.push(f) });
  assert.equal(file.name, 'note.txt');
  assert.equal(fractions.at(-1), 1);
  await a.send(c, '', { attachments: [file] });
  await waitFor(() => seen.b.length === 2, 'the message with the file');
  assert.equal(seen.b[1].attachments[0].id, file.id);
  assert.equal(seen.a[1].attachments[0].name, 'note.txt', 'the own copy carries the attachment object');
  assert.equal(await (await b.attachment(file.id)).text(), 'plain words, as a file\n');

  await b.block(alice.userId);
  assert.deepEqual((await b.blocks()).blocks.map((x) => x.userId), [alice.userId]);
  await assert.rejects(a.send(c, 'blocked?', { attempts: 1 }), (e) => e.code === 'unreachable');
  await b.unblock(alice.userId);
  assert.deepEqual(await b.requests(), []);
  assert.equal((await b.allConversations()).length, 1);
  a.close();
  b.close();
});

test('the pull fallback goes back to the WebSocket once it connects again', async () => {
  const alice = await user('alice');
  let made = 0;
  class Broken {
    constructor() { setTimeout(() => this.onclose && this.onclose({ code: 1006 }), 5); }
    send() {}
    close() {}
  }
  function Flaky(url) {
    made++;
    return made <= 3 ? new Broken() : new WebSocket(url);
  }
  const a = alice.client({ WebSocket: Flaky, fallbackAfter: 2, socketRetryMs: 1000, backoff: { initialMs: 10, maxMs: 20 }, wait: 1 });
  const states = [];
  a.on('state', (s) => states.push(s));
  a.start();
  // Two failed connects, a pull that works, one more failed connect: pulling, then the fourth socket.
  await waitFor(() => a.state === 'live', 'live on the fourth socket');
  assert.ok(states.indexOf('pulling') >= 0 && states.indexOf('pulling') < states.lastIndexOf('live'), `states: ${states}`);
  assert.equal(made, 4);
  a.close();
});
