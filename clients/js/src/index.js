// Parley's JavaScript client (docs/protocol.md is the contract it follows). No dependencies: it
// uses the platform's fetch and WebSocket (Node.js 20+: run with --experimental-websocket, or pass
// a WebSocket class; Node.js 22+ and browsers have one). The web client at `/` runs on this file
// as it is (the node serves it at /sdk/index.js), so it must stay a plain ES module.

/** A refusal from the node: `code` is the protocol's error code (docs/protocol.md, "Error codes"). */
export class ParleyError extends Error {
  constructor(status, code, message, retryAfterMs, closeCode) {
    super(message || code);
    this.name = 'ParleyError';
    this.status = status;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
    if (closeCode !== undefined) this.closeCode = closeCode;
  }

  /** Whether the same request may succeed later (retry it, sends under the same client id). */
  get retryable() {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** Close codes after which reconnecting with the same token is pointless. */
const FINAL_CLOSES = new Set([4001, 4003, 4004, 4005]);
/** The node had too many devices arriving at once; the `auth` error before it says when to come back. */
const TRY_AGAIN_LATER = 1013;
/** A socket that has not said `ready` by then is given up (a proxy that swallows the upgrade). */
const OPEN_TIMEOUT_MS = 10_000;
/** How often the link is checked; browsers hide WebSocket pings, so idle links are probed with `ping` frames. */
const TICK_MS = 2_000;
/** How long a send over the socket waits for its `sent` before it counts as lost (and is retried). */
const ANSWER_TIMEOUT_MS = 15_000;
/** How long an entry may wait above a hole before the hole is fetched over REST. */
const GAP_WAIT_MS = 1_500;
/** Entries held above a hole, per conversation; more are dropped (the gap fill brings them again). */
const MAX_HELD_ABOVE_GAP = 1_000;
/** A WebSocket that fails while plain HTTP answered this recently is what is blocked: pull instead. */
const HTTP_RECENTLY_MS = 5_000;
/** Error codes of `error` frames, as the HTTP status their REST form answers (for `retryable`). */
const FRAME_STATUS = { rate_limited: 429, unavailable: 503, internal: 500 };

function trimBase(baseUrl) {
  return String(baseUrl).replace(/\/+$/, '');
}

function isRaw(body) {
  return (globalThis.Blob && body instanceof globalThis.Blob) || body instanceof ArrayBuffer || ArrayBuffer.isView(body);
}

function parseJson(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch (e) {
    return null; // a proxy's HTML error page, say: reported by status
  }
}

function refusal(status, json, statusText, retryAfter) {
  const err = (json && json.error) || {};
  const retryAfterMs = err.retryAfterMs ?? (retryAfter ? Number(retryAfter) * 1000 : undefined);
  return new ParleyError(status, err.code || `http_${status}`, err.message || statusText, retryAfterMs);
}

async function call(fetchFn, baseUrl, method, path, { token, body, headers, signal } = {}) {
  const h = { Accept: 'application/json', ...(headers || {}) };
  if (token) h.Authorization = `Bearer ${token}`;
  const raw = body !== undefined && isRaw(body);
  if (raw) h['Content-Type'] = body.type || 'application/octet-stream';
  else if (body !== undefined) h['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetchFn(trimBase(baseUrl) + path, {
      method, headers: h, body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit', signal,
    });
  } catch (e) {
    if (signal && signal.aborted) throw new ParleyError(0, 'aborted', 'the request was called off');
    throw new ParleyError(0, 'network', `no answer from the node: ${e.message}`);
  }
  const json = parseJson(await res.text());
  if (!res.ok) throw refusal(res.status, json, res.statusText, res.headers.get('Retry-After'));
  return json;
}

/** Creates an account: `{userId, username}`. */
export function register(baseUrl, username, password, { invite, fetch = globalThis.fetch } = {}) {
  return call(fetch, baseUrl, 'POST', '/v1/accounts', { body: invite ? { username, password, invite } : { username, password } });
}

/** Logs in, creating a device: `{token, userId, deviceId}`. Keep the token; it is shown once. */
export function login(baseUrl, username, password, deviceName, { fetch = globalThis.fetch } = {}) {
  return call(fetch, baseUrl, 'POST', '/v1/sessions', { body: { username, password, deviceName } });
}

/** A client id for a send (a UUID v4): random, so a retry of the same send can reuse it. */
export function newClientId() {
  const c = globalThis.crypto;
  // randomUUID exists only in secure contexts, and a node on a LAN may be plain http.
  if (c && c.randomUUID) return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Half to all of `ms`, so that clients dropped together do not come back together. */
const jitter = (ms) => ms / 2 + Math.random() * (ms / 2);

function compact(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}

function query(params) {
  const q = new URLSearchParams(compact(params));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * One device of one user. Holds, per conversation, the highest seq it has with nothing missing
 * below (`positions`: persist them, and pass them back when the app starts again); every entry
 * reaches the `message` handlers once, in seq order per conversation, whether it came over the
 * WebSocket, a pull, a gap fill or the answer to one of its own sends.
 */
export class ParleyClient {
  constructor({
    baseUrl = globalThis.location && globalThis.location.origin, token, positions = {},
    fetch = globalThis.fetch, WebSocket = globalThis.WebSocket,
    fallbackAfter = 3, wait = 25, backoff = { initialMs: 500, maxMs: 30000 }, socketRetryMs = 60_000,
    userId, deviceId,
  }) {
    this.baseUrl = trimBase(baseUrl);
    this.token = token;
    // Called as a plain function: a browser's fetch refuses to run with the client as `this`.
    this.fetch = (...args) => fetch(...args);
    this.WebSocketClass = WebSocket;
    this.fallbackAfter = fallbackAfter;
    this.wait = wait;
    this.backoff = backoff;
    this.socketRetryMs = socketRetryMs;
    this.state = 'idle';
    /** What goes with `state`: `retryAt` (ms) and the close `code` while waiting; `offline` in a browser that says so. */
    this.stateInfo = {};
    /** Who this device is (from the login; `ready` says it too): the sender of its own entries. */
    this.userId = userId;
    this.deviceId = deviceId;
    this.handlers = new Map();
    this.#positions = new Map(Object.entries(positions).map(([c, s]) => [String(c), Number(s)]));
  }

  #positions;
  #held = new Map(); // conversation -> Map(seq -> entry) of entries that came above a hole
  #gapTimers = new Map();
  #socket = null;
  #abandon = null; // gives up the current socket without waiting for a close handshake
  #live = false; // the socket has said `ready`: frames may be sent
  #running = false;
  #failures = 0;
  #socketRetryAt = 0;
  #httpWorkedAt = 0; // when a pull last got an answer
  #closed = false;
  #answers = new Map(); // clientId -> {resolve, reject, timer} of a send over the socket
  #wakers = new Set();
  #polling = null; // AbortController of the long poll in flight
  #watching = null; // userIds of the last `watch`, sent again after every reconnect
  #heartbeatMs = 25_000;
  #lastHeard = 0;
  #pingSent = 0;
  #ticker = null;
  #listeners = null;

  /** What the device holds: `{conversationId: seq}`, to persist and to start from next time. */
  get positions() {
    return Object.fromEntries(this.#positions);
  }

  /**
   * Adds a handler for `message`, `receipt`, `resync`, `ready`, `synced`, `typing`, `presence`,
   * `profile`, `request`, `state`, `rejected` (the node no longer takes the token) and `error`.
   * Returns a function that removes it.
   */
  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(handler);
    return () => this.handlers.get(type).delete(handler);
  }

  #emit(type, value) {
    for (const h of this.handlers.get(type) || []) {
      try { h(value); } catch (e) { queueMicrotask(() => { throw e; }); }
    }
  }

  #setState(state, info = {}) {
    if (this.state === state && state !== 'waiting') return;
    this.state = state;
    const offline = globalThis.navigator && globalThis.navigator.onLine === false;
    this.stateInfo = offline ? { ...info, offline } : info;
    this.#emit('state', state);
  }

  // ---- one copy of each entry, in order -----------------------------------------------------

  /**
   * Says the device holds everything of a conversation up to `seq` (loaded over REST, say), so a
   * resume asks only for what follows. Never moves a position back.
   */
  hold(conversationId, seq) {
    const c = String(conversationId);
    if (seq > (this.#positions.get(c) ?? -1)) {
      this.#positions.set(c, seq);
      this.#drain(c);
    }
  }

  /** Takes an entry: delivered if it is the next of its conversation, held if it comes above a hole. */
  #take(entry) {
    const c = String(entry.conversationId);
    const at = this.#positions.get(c) || 0;
    if (entry.seq <= at) return;
    if (entry.seq > at + 1) {
      let held = this.#held.get(c);
      if (!held) this.#held.set(c, (held = new Map()));
      if (held.size < MAX_HELD_ABOVE_GAP) held.set(entry.seq, entry);
      this.#scheduleGapFill(entry.conversationId);
      return;
    }
    this.#positions.set(c, entry.seq);
    this.#emit('message', entry);
    this.#drain(c);
  }

  #drain(c) {
    const held = this.#held.get(c);
    if (!held) return;
    for (;;) {
      const at = this.#positions.get(c) || 0;
      for (const seq of held.keys()) if (seq <= at) held.delete(seq);
      const next = held.get(at + 1);
      if (!next) break;
      held.delete(at + 1);
      this.#positions.set(c, next.seq);
      this.#emit('message', next);
    }
    if (held.size === 0) this.#held.delete(c);
  }

  /** The node sends every conversation without holes; one seen here is fetched if it stays. */
  #scheduleGapFill(conversationId) {
    const c = String(conversationId);
    if (this.#gapTimers.has(c)) return;
    this.#gapTimers.set(c, setTimeout(async () => {
      try {
        if (this.#held.has(c)) {
          const page = await this.history(conversationId, { after: this.#positions.get(c) || 0, limit: 200 });
          for (const e of page.messages) this.#take(e);
        }
      } catch (e) {
        // Offline, most likely: tried again below while the hole stays.
      } finally {
        this.#gapTimers.delete(c);
        if (this.#held.has(c) && this.#running) this.#scheduleGapFill(conversationId);
      }
    }, GAP_WAIT_MS));
  }

  #resync(conversationId, latestSeq) {
    const c = String(conversationId);
    this.#positions.set(c, latestSeq);
    this.#emit('resync', { conversationId, latestSeq });
    this.#drain(c);
  }

  // ---- REST --------------------------------------------------------------------------------

  /** Any REST call: `await client.request('GET', '/v1/me')`. Refusals throw {@link ParleyError}. */
  async request(method, path, body, headers, signal) {
    try {
      return await call(this.fetch, this.baseUrl, method, path, { token: this.token, body, headers, signal });
    } catch (e) {
      if (e.status === 401 && e.code === 'unauthenticated') this.#emit('rejected', e);
      throw e;
    }
  }

  me() { return this.request('GET', '/v1/me'); }

  /** Logs this device out: its token stops working. */
  logout() { return this.request('DELETE', '/v1/sessions/current'); }

  /** One page of the conversation list (most recent activity first). */
  conversations({ limit, cursor, folder } = {}) {
    return this.request('GET', `/v1/conversations${query({ limit, cursor, folder })}`);
  }

  /** Every conversation of a folder, following `nextCursor` (at most `maxPages` pages of 200). */
  async allConversations({ folder, maxPages = 50 } = {}) {
    const all = [];
    let cursor;
    for (let page = 0; page < maxPages; page++) {
      const res = await this.conversations({ limit: 200, cursor, folder });
      all.push(...res.conversations);
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    return all;
  }

  conversation(id) { return this.request('GET', `/v1/conversations/${id}`); }

  openDirect(username) { return this.request('POST', '/v1/conversations/direct', { username }); }

  createGroup(title, usernames) { return this.request('POST', '/v1/conversations/groups', { title, usernames }); }

  /** A page of history, ascending by seq: `{messages, hasMore}`. */
  history(conversationId, { before, after, limit } = {}) {
    return this.request('GET', `/v1/conversations/${conversationId}/messages${query({ before, after, limit })}`);
  }

  /** Messages of the caller's conversations matching `q`, newest first. */
  search(q, { before, conversationId, limit = 20 } = {}) {
    return this.request('GET', `/v1/search${query({ q, limit, before, conversationId })}`);
  }

  // People (docs/protocol.md, "Profile object" to "Reports").

  users(ids) { return this.request('GET', `/v1/users?ids=${ids.join(',')}`); }

  updateProfile(fields) { return this.request('PATCH', '/v1/me/profile', fields); }

  /** A picture (Blob, File or bytes); the node checks, crops, shrinks and re-encodes it. */
  uploadAvatar(image) { return this.request('PUT', '/v1/me/avatar', image); }

  removeAvatar() { return this.request('DELETE', '/v1/me/avatar'); }

  changePassword(currentPassword, newPassword, revokeOtherDevices = false) {
    return this.request('PUT', '/v1/me/password', { currentPassword, newPassword, revokeOtherDevices });
  }

  deleteAccount(password) { return this.request('DELETE', '/v1/me', { password }); }

  blocks() { return this.request('GET', '/v1/blocks'); }

  block(userId) { return this.request('PUT', `/v1/blocks/${userId}`); }

  unblock(userId) { return this.request('DELETE', `/v1/blocks/${userId}`); }

  /** The message requests folder (first 200). */
  async requests() {
    return (await this.conversations({ folder: 'requests', limit: 200 })).conversations;
  }

  acceptRequest(conversationId) { return this.request('POST', `/v1/conversations/${conversationId}/accept`, {}); }

  declineRequest(conversationId) { return this.request('POST', `/v1/conversations/${conversationId}/decline`, {}); }

  report({ userId, conversationId, seqs, reason, note }) {
    return this.request('POST', '/v1/reports', compact({ userId, conversationId, seqs, reason, note }));
  }

  // Files.

  /**
   * Uploads a file (`POST /v1/attachments`) and resolves with its attachment object;
   * `onProgress(fraction)` as it goes (in a browser, where XMLHttpRequest can tell; elsewhere once, at the end).
   */
  upload(file, { name = file.name || 'file', onProgress = () => {} } = {}) {
    const path = `/v1/attachments?name=${encodeURIComponent(name)}`;
    if (typeof globalThis.XMLHttpRequest !== 'function') {
      return this.request('POST', path, file).then((a) => { onProgress(1); return a; });
    }
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', this.baseUrl + path);
      if (this.token) xhr.setRequestHeader('Authorization', `Bearer ${this.token}`);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onerror = () => reject(new ParleyError(0, 'network', 'no answer from the node'));
      xhr.onload = () => {
        const json = parseJson(xhr.responseText);
        if (xhr.status >= 200 && xhr.status < 300) resolve(json);
        else reject(refusal(xhr.status, json, xhr.statusText, xhr.getResponseHeader('Retry-After')));
      };
      xhr.send(file);
    });
  }

  /** An attachment's bytes (`content`) or its `thumbnail`, as a Blob (the token goes in a header). */
  async attachment(id, part = 'content') {
    let res;
    try {
      res = await this.fetch(`${this.baseUrl}/v1/attachments/${id}/${part}`, {
        headers: this.token ? { Authorization: `Bearer ${this.token}` } : {}, credentials: 'omit',
      });
    } catch (e) {
      throw new ParleyError(0, 'network', `no answer from the node: ${e.message}`);
    }
    if (!res.ok) throw refusal(res.status, parseJson(await res.text()), res.statusText);
    return res.blob();
  }

  // ---- sending, exactly once ---------------------------------------------------------------

  /**
   * Sends a message and resolves with what `sent` carries, once it is stored: over the WebSocket
   * when it is up, over REST otherwise. Retries (with backoff, at once when the connection comes
   * back, up to `attempts`) under one client id, so it is stored once whatever happens to the
   * answers; a definite refusal rejects with {@link ParleyError}. `attachments`: ids, or the
   * attachment objects `upload` gave (the device's own copy of the entry then shows them).
   */
  send(conversationId, body, { clientId = newClientId(), attempts = 8, replyTo, mentions, attachments } = {}) {
    const ids = attachments && attachments.length ? attachments.map((a) => (typeof a === 'object' ? a.id : a)) : undefined;
    const fields = compact({ clientId, body, replyTo, mentions: mentions && mentions.length ? mentions : undefined, attachments: ids });
    return this.#submit(
      { type: 'send', conversationId, ...fields },
      `/v1/conversations/${conversationId}/messages`, fields,
      (sent) => ({ kind: 'text', body, replyTo, mentions: fields.mentions, attachments: ids && attachments }),
      attempts);
  }

  /** Puts `emoji` on the message at `targetSeq` (`remove`: takes it off). `seq` 0: it already was so. */
  react(conversationId, targetSeq, emoji, { remove = false, clientId = newClientId(), attempts = 8 } = {}) {
    const fields = compact({ clientId, emoji, remove: remove || undefined });
    return this.#submit(
      { type: 'react', conversationId, targetSeq, ...fields },
      `/v1/conversations/${conversationId}/messages/${targetSeq}/react`, fields,
      () => ({ kind: remove ? 'reaction_removed' : 'reaction_added', targetSeq, body: emoji }), attempts);
  }

  /** Changes the text of one of the user's messages. */
  edit(conversationId, targetSeq, body, { clientId = newClientId(), attempts = 8 } = {}) {
    return this.#submit(
      { type: 'edit', conversationId, targetSeq, clientId, body },
      `/v1/conversations/${conversationId}/messages/${targetSeq}/edit`, { clientId, body },
      () => ({ kind: 'edited', targetSeq, body }), attempts);
  }

  /** Deletes a message for everyone. */
  deleteMessage(conversationId, targetSeq, { clientId = newClientId(), attempts = 8 } = {}) {
    return this.#submit(
      { type: 'delete', conversationId, targetSeq, clientId },
      `/v1/conversations/${conversationId}/messages/${targetSeq}/delete`, { clientId },
      () => ({ kind: 'deleted', targetSeq }), attempts);
  }

  async #submit(frame, path, restBody, ownEntry, attempts) {
    let delay = this.backoff.initialMs;
    for (let i = 1; ; i++) {
      if (this.#closed) throw new ParleyError(0, 'closed', 'the client was closed');
      try {
        const sent = this.#live ? await this.#overSocket(frame) : await this.request('POST', path, restBody);
        if (sent.seq > 0) {
          // The node does not send the device its own entry over the socket that sent it: it is
          // taken from the answer (and kept until the entries before it are in).
          this.#take(compact({
            conversationId: frame.conversationId, seq: sent.seq, ts: sent.ts, senderId: this.userId,
            senderDeviceId: this.deviceId, clientId: frame.clientId, ...ownEntry(sent), own: true,
          }));
        }
        return sent;
      } catch (e) {
        if (!(e instanceof ParleyError) || !e.retryable || i >= attempts || this.#closed) throw e;
        await this.#pause(e.retryAfterMs || jitter(delay));
        delay = Math.min(this.backoff.maxMs, delay * 2);
      }
    }
  }

  #overSocket(frame) {
    // The same send already waiting for its answer (a retry from elsewhere): that answer is this one's.
    const waiting = this.#answers.get(frame.clientId);
    if (waiting) return waiting.promise;
    const answer = {};
    answer.promise = new Promise((resolve, reject) => {
      const timer = setTimeout(() => answer.reject(new ParleyError(0, 'network', 'no answer over the WebSocket')),
        ANSWER_TIMEOUT_MS);
      const settle = (fn) => (v) => {
        clearTimeout(timer);
        if (this.#answers.get(frame.clientId) === answer) this.#answers.delete(frame.clientId);
        fn(v);
      };
      answer.resolve = settle(resolve);
      answer.reject = settle(reject);
    });
    this.#answers.set(frame.clientId, answer);
    if (!this.sendFrame(frame)) answer.reject(new ParleyError(0, 'network', 'not connected'));
    return answer.promise;
  }

  /** Sends any frame over the WebSocket if it is up (after `ready`); false if it could not go now. */
  sendFrame(frame) {
    const ws = this.#socket;
    if (!ws || !this.#live || ws.readyState !== 1) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }

  /** Over the socket when it is up (no answer awaited), over REST otherwise. */
  #signal(frame, path, body) {
    if (this.sendFrame(frame)) return Promise.resolve(null);
    return this.request('POST', path, body);
  }

  /** Says the device holds the conversation up to `seq`. */
  markDelivered(conversationId, seq) {
    return this.#signal({ type: 'delivered', conversationId, seq }, `/v1/conversations/${conversationId}/delivered`, { seq });
  }

  /** Says the user has read the conversation up to `seq`. */
  markRead(conversationId, seq) {
    return this.#signal({ type: 'read', conversationId, seq }, `/v1/conversations/${conversationId}/read`, { seq });
  }

  /** Says the user is typing (repeat within 6 s to keep it shown) or stopped. */
  typing(conversationId, typing) {
    return this.#signal({ type: 'typing', conversationId, typing }, `/v1/conversations/${conversationId}/typing`, { typing });
  }

  /**
   * Asks for the presence of these users (`presence` events), replacing the last list; sent again
   * after every reconnect. Over the WebSocket only: a pulling client gets no presence.
   */
  watch(userIds) {
    const ids = [...new Set(userIds)].sort((a, b) => a - b);
    if (this.#watching && this.#watching.join(',') === ids.join(',')) return;
    this.#watching = ids;
    this.sendFrame({ type: 'watch', userIds: ids });
  }

  /**
   * One pull (`POST /v1/sync`): what the device lacks after its positions, reaching the handlers;
   * with `wait` seconds it is held until something arrives. Resolves with the page.
   */
  async sync({ wait = 0, limit, signal } = {}) {
    const page = await this.request('POST', '/v1/sync', compact({ positions: this.positions, wait, limit }), undefined, signal);
    this.#httpWorkedAt = Date.now();
    this.#takePage(page);
    return page;
  }

  #takePage(page) {
    for (const e of page.entries) this.#take(e);
    for (const r of page.resync) this.#resync(r.conversationId, r.latestSeq);
    for (const r of page.receipts) this.#emit('receipt', r);
    for (const [c, s] of Object.entries(page.positions)) {
      if (!this.#positions.has(c)) this.#positions.set(c, s);
    }
  }

  // ---- live --------------------------------------------------------------------------------

  /**
   * Stays up to date until {@link close}: over the WebSocket, resuming from the positions after
   * every drop (backoff with jitter); after `fallbackAfter` failed connects in a row, or with no
   * WebSocket at all, by long polls instead, trying the WebSocket again every `socketRetryMs`.
   * `state` says which: connecting, syncing (catching up), live, pulling, waiting (`stateInfo.retryAt`).
   * In a browser it also follows the network (`online`, `offline`) and the tab coming back.
   */
  start() {
    if (this.#running) return;
    this.#running = true;
    this.#ticker = setInterval(() => this.#tick(), TICK_MS);
    if (this.#ticker.unref) this.#ticker.unref();
    this.#watchBrowser();
    this.#loop();
  }

  close() {
    this.#running = false;
    this.#closed = true;
    clearInterval(this.#ticker);
    for (const [type, target, fn] of this.#listeners || []) target.removeEventListener(type, fn);
    this.#listeners = null;
    for (const t of this.#gapTimers.values()) clearTimeout(t);
    this.#gapTimers.clear();
    if (this.#polling) this.#polling.abort();
    if (this.#abandon) this.#abandon();
    this.#wake();
    this.#setState('closed');
  }

  /** Skips the wait before the next connect (the network is back, the user asked). */
  reconnectNow() {
    if (!this.#running || this.#live) return;
    this.#failures = 0;
    if (this.#polling) this.#polling.abort();
    this.#wake();
  }

  /** Checks a quiet link: a `ping` now (a dead one is dropped when nothing comes back). */
  ping() {
    const now = Date.now();
    if (now - this.#pingSent < TICK_MS) return;
    if (this.sendFrame({ type: 'ping', rid: 'hb' })) this.#pingSent = now;
  }

  #watchBrowser() {
    const win = globalThis.window;
    const doc = globalThis.document;
    if (!win || !win.addEventListener || !doc) return;
    this.#listeners = [
      ['online', win, () => this.reconnectNow()],
      // Chrome keeps a WebSocket open across a network change, often as a zombie that never
      // learns it is dead; when the browser says it is offline, believe it and start over.
      ['offline', win, () => this.#abandon && this.#abandon()],
      // Phones freeze background tabs; on return, reconnect now or check the link is alive.
      ['visibilitychange', doc, () => {
        if (doc.visibilityState !== 'visible') return;
        if (this.#live) this.ping();
        else this.reconnectNow();
      }],
    ];
    for (const [type, target, fn] of this.#listeners) target.addEventListener(type, fn);
  }

  #tick() {
    if (!this.#live) return;
    const idle = Date.now() - this.#lastHeard;
    if (idle > this.#heartbeatMs) {
      if (this.#abandon) this.#abandon();
    } else if (idle > this.#heartbeatMs / 3) {
      this.ping();
    }
  }

  /** Waits `ms`, or less if the client is woken (connected again, or asked to reconnect). */
  #pause(ms) {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakers.add(done);
    });
  }

  #wake() {
    for (const w of [...this.#wakers]) w();
  }

  #offline() {
    return globalThis.navigator && globalThis.navigator.onLine === false;
  }

  async #loop() {
    let delay = this.backoff.initialMs;
    const waitThenRetry = async (code) => {
      // Offline, the browser's `online` event ends the wait early; the long one is a fallback.
      const wait = this.#offline() ? this.backoff.maxMs : jitter(delay);
      this.#setState('waiting', { retryAt: Date.now() + wait, code });
      await this.#pause(wait);
      delay = Math.min(this.backoff.maxMs, delay * 2);
    };
    while (this.#running) {
      const socket = this.WebSocketClass && (this.#failures < this.fallbackAfter || Date.now() >= this.#socketRetryAt);
      if (socket) {
        this.#setState('connecting');
        const outcome = await this.#connectOnce();
        if (!this.#running) return;
        if (outcome.final) {
          const e = new ParleyError(401, 'closed', `the node closed the connection (${outcome.code})`, undefined, outcome.code);
          this.#stop(e);
          this.#emit('rejected', e);
          return;
        }
        if (outcome.code === TRY_AGAIN_LATER && outcome.comeBackAfterMs) {
          // Too many devices were arriving at the node: it is up, and said when to come back
          // (spread over the time it needs for them all). Not a failure: no fallback, no backoff.
          this.#setState('waiting', { retryAt: Date.now() + outcome.comeBackAfterMs, code: outcome.code });
          await this.#pause(outcome.comeBackAfterMs);
          continue;
        }
        // Only a connection that got all the way through resets the backoff: a node that
        // accepts and then drops us at once must not be hammered.
        if (outcome.synced) delay = this.backoff.initialMs;
        if (outcome.ready) this.#failures = 0;
        else this.#failures++;
        if (this.#failures < this.fallbackAfter || this.#offline()) {
          await waitThenRetry(outcome.code);
          continue;
        }
        if (Date.now() - this.#httpWorkedAt > HTTP_RECENTLY_MS) {
          // Is it the WebSocket that cannot get through, or is the node (or the network) down,
          // restarting say? One quick pull tells: the node answering means the socket is tried
          // once more at once (it may just have come back), and a second failure means pulling.
          try {
            await this.sync({ wait: 0 });
            this.#socketRetryAt = 0;
          } catch (e) {
            if (!this.#running) return;
            if (e instanceof ParleyError && !e.retryable) {
              this.#stop(e);
              return;
            }
            await waitThenRetry(outcome.code);
          }
          continue;
        }
        this.#socketRetryAt = Date.now() + this.socketRetryMs;
      }
      if (await this.#pullUntilSocket() === 'final') return;
    }
  }

  #stop(e) {
    this.#running = false;
    this.#setState('stopped');
    this.#emit('error', e);
  }

  /** One WebSocket: auth with positions, then frames until it closes (or is given up). */
  #connectOnce() {
    return new Promise((resolve) => {
      const outcome = { ready: false, synced: false, final: false, code: 1006 };
      let ws;
      try {
        ws = new this.WebSocketClass(this.baseUrl.replace(/^http/, 'ws') + '/v1/ws');
      } catch (e) {
        resolve(outcome);
        return;
      }
      let openTimer = null;
      const finish = (code) => {
        if (this.#socket !== ws) return;
        clearTimeout(openTimer);
        ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
        this.#socket = null;
        this.#abandon = null;
        this.#live = false;
        for (const a of [...this.#answers.values()]) a.reject(new ParleyError(0, 'network', 'the connection dropped'));
        resolve({ ...outcome, code, final: FINAL_CLOSES.has(code) });
      };
      this.#socket = ws;
      this.#abandon = () => {
        try {
          ws.close(1000);
        } catch (e) {
          // Closing a socket still connecting throws in some browsers; it is dropped either way.
        }
        finish(1006);
      };
      openTimer = setTimeout(() => this.#abandon && this.#abandon(), OPEN_TIMEOUT_MS);
      ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token: this.token, positions: this.positions }));
      ws.onmessage = (ev) => {
        this.#lastHeard = Date.now();
        let f;
        try {
          f = JSON.parse(typeof ev.data === 'string' ? ev.data : new TextDecoder().decode(ev.data));
        } catch (e) {
          return;
        }
        this.#onFrame(f, outcome, openTimer);
      };
      ws.onerror = () => {}; // a close event always follows; it carries the code
      ws.onclose = (ev) => finish(ev.code);
    });
  }

  #onFrame(f, outcome, openTimer) {
    switch (f.type) {
      case 'ready':
        clearTimeout(openTimer);
        outcome.ready = true;
        this.userId = f.userId;
        this.deviceId = f.deviceId;
        if (f.heartbeatMs) this.#heartbeatMs = f.heartbeatMs;
        this.#live = true;
        this.#setState('syncing');
        // A new connection: the node knows nothing of the watch list.
        if (this.#watching) this.sendFrame({ type: 'watch', userIds: this.#watching });
        this.#emit('ready', f);
        this.#wake(); // sends waiting to retry go now
        break;
      case 'message': {
        const { type, ...entry } = f;
        this.#take(entry);
        break;
      }
      case 'sent': {
        const { type, rid, ...sent } = f;
        const a = this.#answers.get(sent.clientId);
        if (a) a.resolve(sent);
        break;
      }
      case 'error': {
        // Refused because too many devices are arriving: the close 1013 that follows means "at this time".
        if (f.request === 'auth' && f.code === 'unavailable') outcome.comeBackAfterMs = f.retryAfterMs;
        const a = f.clientId && this.#answers.get(f.clientId);
        if (a) a.reject(new ParleyError(FRAME_STATUS[f.code] || 400, f.code, f.message, f.retryAfterMs));
        break;
      }
      case 'resync': this.#resync(f.conversationId, f.latestSeq); break;
      case 'synced':
        outcome.synced = true;
        this.#setState('live');
        this.#emit('synced', f);
        break;
      case 'receipt': case 'typing': case 'presence': case 'profile': case 'request': {
        const { type, ...rest } = f;
        this.#emit(type, rest);
        break;
      }
      default: break; // pong, ok, and frame types newer than this client
    }
  }

  /** Long polls until it is time to try the WebSocket again (or `reconnectNow`). */
  async #pullUntilSocket() {
    let delay = this.backoff.initialMs;
    let caughtUp = false;
    const socketDue = () => this.WebSocketClass && (this.#failures < this.fallbackAfter || Date.now() >= this.#socketRetryAt);
    while (this.#running && !socketDue()) {
      const polling = new AbortController();
      this.#polling = polling;
      try {
        // Never held past the next socket attempt.
        const left = this.WebSocketClass ? Math.ceil((this.#socketRetryAt - Date.now()) / 1000) : this.wait;
        const page = await this.sync({ wait: caughtUp ? Math.min(this.wait, left) : 0, signal: polling.signal });
        this.#setState('pulling');
        if (!page.more && !caughtUp) {
          caughtUp = true;
          this.#emit('synced', { conversations: 0, messages: page.entries.length });
        }
        delay = this.backoff.initialMs;
      } catch (e) {
        if (e instanceof ParleyError && e.code === 'aborted') continue;
        if (e instanceof ParleyError && !e.retryable) {
          this.#stop(e);
          return 'final';
        }
        if (e.status === 429 || !this.WebSocketClass) {
          const wait = e.retryAfterMs || jitter(delay);
          this.#setState('waiting', { retryAt: Date.now() + wait });
          await this.#pause(wait);
          delay = Math.min(this.backoff.maxMs, delay * 2);
        } else {
          // No answer over HTTP either: the node or the network is down, not just the socket.
          this.#socketRetryAt = 0;
        }
      } finally {
        this.#polling = null;
      }
    }
    return 'socket';
  }
}
