// Parley's JavaScript client (docs/protocol.md is the contract it follows). No dependencies: it
// uses the platform's fetch and WebSocket (Node.js 20+: run with --experimental-websocket, or pass
// a WebSocket class; Node.js 22+ and browsers have one).

/** A refusal from the node: `code` is the protocol's error code (docs/protocol.md, "Error codes"). */
export class ParleyError extends Error {
  constructor(status, code, message, retryAfterMs) {
    super(message || code);
    this.name = 'ParleyError';
    this.status = status;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }

  /** Whether the same request may succeed later (retry it, sends under the same client id). */
  get retryable() {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** Close codes after which reconnecting with the same token is pointless. */
const FINAL_CLOSES = new Set([4001, 4003, 4004, 4005]);

function trimBase(baseUrl) {
  return String(baseUrl).replace(/\/+$/, '');
}

async function call(fetchFn, baseUrl, method, path, { token, body, headers } = {}) {
  const h = { ...(headers || {}) };
  if (token) h.Authorization = `Bearer ${token}`;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetchFn(trimBase(baseUrl) + path, {
      method, headers: h, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ParleyError(0, 'network', `no answer from the node: ${e.message}`);
  }
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const err = (json && json.error) || {};
    throw new ParleyError(res.status, err.code || 'internal', err.message, err.retryAfterMs);
  }
  return json;
}

/** Creates an account: `{userId, username}`. */
export function register(baseUrl, username, password, { invite, fetch = globalThis.fetch } = {}) {
  return call(fetch, baseUrl, 'POST', '/v1/accounts', { body: { username, password, invite } });
}

/** Logs in, creating a device: `{token, userId, deviceId}`. Keep the token; it is shown once. */
export function login(baseUrl, username, password, deviceName, { fetch = globalThis.fetch } = {}) {
  return call(fetch, baseUrl, 'POST', '/v1/sessions', { body: { username, password, deviceName } });
}

/** A client id for a send: random, so a retry of the same send can reuse it. */
export function newClientId() {
  if (globalThis.crypto && globalThis.crypto.randomUUID) return globalThis.crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One device of one user. Holds, per conversation, the highest seq it has with nothing missing
 * below (`positions`: persist them, and pass them back when the app starts again); every entry
 * reaches the `message` handlers once, in seq order per conversation, whether it came over the
 * WebSocket, a pull or the answer to one of its own sends.
 */
export class ParleyClient {
  constructor({
    baseUrl, token, positions = {}, fetch = globalThis.fetch, WebSocket = globalThis.WebSocket,
    fallbackAfter = 3, wait = 25, backoff = { initialMs: 500, maxMs: 30000 },
  }) {
    this.baseUrl = trimBase(baseUrl);
    this.token = token;
    this.fetch = fetch;
    this.WebSocketClass = WebSocket;
    this.fallbackAfter = fallbackAfter;
    this.wait = wait;
    this.backoff = backoff;
    this.state = 'idle';
    this.handlers = new Map();
    this.#positions = new Map(Object.entries(positions).map(([c, s]) => [String(c), Number(s)]));
  }

  #positions;
  #socket = null;
  #running = false;
  #failures = 0;
  #pulling = false;

  /** What the device holds: `{conversationId: seq}`, to persist and to start from next time. */
  get positions() {
    return Object.fromEntries(this.#positions);
  }

  /** Adds a handler for `message`, `receipt`, `resync`, `synced`, `typing`, `presence`, `profile`, `state`. */
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

  #setState(state) {
    if (this.state !== state) {
      this.state = state;
      this.#emit('state', state);
    }
  }

  /** Takes an entry if it is the next one of its conversation; returns whether it was new. */
  #take(entry) {
    const c = String(entry.conversationId);
    const at = this.#positions.get(c) || 0;
    if (entry.seq !== at + 1) return false;
    this.#positions.set(c, entry.seq);
    this.#emit('message', entry);
    return true;
  }

  #resync(conversationId, latestSeq) {
    this.#positions.set(String(conversationId), latestSeq);
    this.#emit('resync', { conversationId, latestSeq });
  }

  // ---- REST --------------------------------------------------------------------------------

  /** Any REST call: `await client.request('GET', '/v1/me')`. Refusals throw {@link ParleyError}. */
  request(method, path, body, headers) {
    return call(this.fetch, this.baseUrl, method, path, { token: this.token, body, headers });
  }

  me() { return this.request('GET', '/v1/me'); }

  conversations({ limit, cursor, folder } = {}) {
    const q = new URLSearchParams();
    if (limit) q.set('limit', limit);
    if (cursor) q.set('cursor', cursor);
    if (folder) q.set('folder', folder);
    const s = q.toString();
    return this.request('GET', `/v1/conversations${s ? `?${s}` : ''}`);
  }

  conversation(id) { return this.request('GET', `/v1/conversations/${id}`); }

  openDirect(username) { return this.request('POST', '/v1/conversations/direct', { username }); }

  createGroup(title, usernames) { return this.request('POST', '/v1/conversations/groups', { title, usernames }); }

  history(conversationId, { before, after, limit } = {}) {
    const q = new URLSearchParams();
    if (before !== undefined) q.set('before', before);
    if (after !== undefined) q.set('after', after);
    if (limit !== undefined) q.set('limit', limit);
    const s = q.toString();
    return this.request('GET', `/v1/conversations/${conversationId}/messages${s ? `?${s}` : ''}`);
  }

  /**
   * Sends a message and resolves with what `sent` carries, once it is stored. Retries (with
   * backoff, up to `attempts`) under one client id, so it is stored once whatever happens to the
   * answers; a definite refusal rejects with {@link ParleyError}.
   */
  async send(conversationId, body, { clientId = newClientId(), attempts = 8, replyTo, mentions, attachments } = {}) {
    let delay = this.backoff.initialMs;
    for (let i = 1; ; i++) {
      try {
        const sent = await this.request('POST', `/v1/conversations/${conversationId}/messages`,
          { clientId, body, replyTo, mentions, attachments });
        // The device holds its own message too, when it is the next entry it lacks.
        this.#take({ conversationId, seq: sent.seq, ts: sent.ts, clientId, body, kind: 'text', own: true });
        return sent;
      } catch (e) {
        if (!(e instanceof ParleyError) || !e.retryable || i >= attempts) throw e;
        await sleep(e.retryAfterMs || delay);
        delay = Math.min(this.backoff.maxMs, delay * 2);
      }
    }
  }

  markDelivered(conversationId, seq) {
    return this.request('POST', `/v1/conversations/${conversationId}/delivered`, { seq });
  }

  markRead(conversationId, seq) { return this.request('POST', `/v1/conversations/${conversationId}/read`, { seq }); }

  typing(conversationId, typing) { return this.request('POST', `/v1/conversations/${conversationId}/typing`, { typing }); }

  /**
   * One pull (`POST /v1/sync`): what the device lacks after its positions, reaching the handlers;
   * with `wait` seconds it is held until something arrives. Resolves with the page.
   */
  async sync({ wait = 0, limit } = {}) {
    const page = await this.request('POST', '/v1/sync', { positions: this.positions, wait, limit });
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
   * WebSocket at all, by long polls instead (`state` says which: connecting, live, pulling).
   */
  start() {
    if (this.#running) return;
    this.#running = true;
    this.#loop();
  }

  close() {
    this.#running = false;
    if (this.#socket) this.#socket.close(1000, 'normal');
    this.#setState('closed');
  }

  async #loop() {
    let delay = this.backoff.initialMs;
    while (this.#running) {
      if (!this.WebSocketClass || this.#failures >= this.fallbackAfter) {
        await this.#pull();
        return;
      }
      this.#setState('connecting');
      const outcome = await this.#connectOnce();
      if (!this.#running) return;
      if (outcome.final) {
        this.#running = false;
        this.#setState('stopped');
        this.#emit('error', new ParleyError(401, 'closed', `the node closed the connection (${outcome.code})`));
        return;
      }
      if (outcome.wasLive) {
        this.#failures = 0;
        delay = this.backoff.initialMs;
      } else {
        this.#failures++;
      }
      await sleep(delay / 2 + Math.random() * delay / 2);
      delay = Math.min(this.backoff.maxMs, delay * 2);
    }
  }

  /** One WebSocket: auth with positions, then frames until it closes. */
  #connectOnce() {
    return new Promise((resolve) => {
      let wasLive = false;
      let ws;
      try {
        ws = new this.WebSocketClass(this.baseUrl.replace(/^http/, 'ws') + '/v1/ws');
      } catch (e) {
        resolve({ wasLive: false, final: false });
        return;
      }
      this.#socket = ws;
      ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token: this.token, positions: this.positions }));
      ws.onmessage = (ev) => {
        const f = JSON.parse(typeof ev.data === 'string' ? ev.data : new TextDecoder().decode(ev.data));
        switch (f.type) {
          case 'ready': wasLive = true; break;
          case 'message': {
            const { type, ...entry } = f;
            this.#take(entry);
            break;
          }
          case 'resync': this.#resync(f.conversationId, f.latestSeq); break;
          case 'synced': this.#setState('live'); this.#emit('synced', f); break;
          case 'receipt': case 'typing': case 'presence': case 'profile': case 'request': {
            const { type, ...rest } = f;
            this.#emit(type, rest);
            break;
          }
          default: break;
        }
      };
      ws.onerror = () => {};
      ws.onclose = (ev) => {
        this.#socket = null;
        resolve({ wasLive, final: FINAL_CLOSES.has(ev.code), code: ev.code });
      };
    });
  }

  async #pull() {
    this.#pulling = true;
    this.#setState('pulling');
    let delay = this.backoff.initialMs;
    while (this.#running) {
      try {
        let page;
        do {
          page = await this.sync({ wait: this.wait });
        } while (page.more && this.#running);
        delay = this.backoff.initialMs;
      } catch (e) {
        if (e instanceof ParleyError && !e.retryable) {
          this.#running = false;
          this.#setState('stopped');
          this.#emit('error', e);
          return;
        }
        await sleep(delay / 2 + Math.random() * delay / 2);
        delay = Math.min(this.backoff.maxMs, delay * 2);
      }
    }
    this.#pulling = false;
  }
}
