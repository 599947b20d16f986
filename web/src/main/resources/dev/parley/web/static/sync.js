// Keeps the Store in step with the node: the first load, the WebSocket and its resume, receipts
// (delivered / read), the outbox, typing and presence. Views call its verbs (open, send, typing,
// loadOlder...); everything it learns goes into the Store, which tells the views.

import { ApiError } from './api.js';
import { ChatSocket } from './socket.js';

const TYPING_REPEAT_MS = 3_000; // the node forgets a `typing: true` after 6 s
const TYPING_IDLE_MS = 5_000; // no keystroke for this long means the user stopped
const ACK_DELAY_MS = 40; // coalesces a burst of entries (a catch-up) into one `delivered`
const GAP_WAIT_MS = 1_500;
const PAGE = 50;
const RETRY_PAGE_MS = 3_000;
/** Requests that go through the outbox and may be answered with an error naming their clientId. */
const OUTBOX_REQUESTS = new Set(['send', 'react', 'edit', 'delete']);
const ACTION_REFUSED = {
  edit_window_closed: 'This message can no longer be edited.',
  too_many_reactions: 'You can put at most 3 reactions on one message.',
  forbidden: 'You can only change your own messages.',
  target_not_found: 'That message is no longer there.',
};

export class Sync {
  constructor({ api, store, token, onRejected }) {
    this.api = api;
    this.store = store;
    this.token = token;
    this.onRejected = onRejected;
    this.socket = null;
    this.openId = null; // the conversation on screen, read as it arrives
    this.pendingAcks = new Set();
    this.ackTimer = null;
    this.retryTimers = new Map(); // clientId -> timer of a send waiting to be retried
    this.metaLoading = new Map(); // conversationId -> promise
    this.olderLoading = new Set();
    this.olderRetryAt = new Map(); // conversationId -> time before which scroll-back does not retry
    this.gapTimers = new Map();
    this.typingIn = null; // the conversation we told the node we are typing in
    this.typingSentAt = 0;
    this.typingIdle = null;
    this.watching = '';
    this.syncedOnce = false;
    this.stopped = false;
    this.typingSweep = setInterval(() => store.expireTyping(), 1_000);
    this.onVisible = () => {
      if (document.visibilityState === 'visible' && this.openId) this.markRead(this.openId);
      if (document.visibilityState === 'hidden') this.typing(this.typingIn, false);
    };
    document.addEventListener('visibilitychange', this.onVisible);
  }

  /** Loads the conversation list, then connects: positions must be known before `auth`. */
  async start() {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        for (const s of await this.api.conversations()) this.store.applySummary(s);
        this.loadPeople();
        break;
      } catch (e) {
        if (e instanceof ApiError && e.code === 'unauthenticated') return;
        this.store.setConnection('waiting', { retryAt: Date.now() + backoff(attempt), offline: !navigator.onLine });
        await sleep(backoff(attempt));
      }
    }
    if (this.stopped) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.socket = new ChatSocket({
      url: `${scheme}//${location.host}/v1/ws`,
      token: this.token,
      positions: () => this.store.positions(),
      onFrame: (f) => this.onFrame(f),
      onState: (state, info) => this.store.setConnection(state, info),
      onRejected: (code) => this.onRejected(code),
    });
    this.socket.start();
  }

  stop() {
    this.stopped = true;
    clearInterval(this.typingSweep);
    clearTimeout(this.ackTimer);
    clearTimeout(this.typingIdle);
    for (const t of this.retryTimers.values()) clearTimeout(t);
    for (const t of this.gapTimers.values()) clearTimeout(t);
    document.removeEventListener('visibilitychange', this.onVisible);
    this.socket?.stop();
  }

  retryNow() {
    this.socket?.retryNow();
  }

  // ---- frames ------------------------------------------------------------------------------

  onFrame(f) {
    const s = this.store;
    switch (f.type) {
      case 'ready':
        // A new connection: the node knows nothing of our watch list or unconfirmed sends.
        this.watching = '';
        this.updateWatch();
        this.resendOutbox();
        break;
      case 'synced':
        this.flushAcks();
        if (this.openId) {
          this.markRead(this.openId);
          if (!this.store.conversation(this.openId)?.historyLoaded) this.loadNewest(this.openId);
        }
        if (this.syncedOnce) this.refreshAfterReconnect();
        this.syncedOnce = true;
        break;
      case 'message': {
        const { fresh, created, membership } = s.applyMessage(f);
        if (created || membership) this.loadMeta(f.conversationId, true);
        if (fresh) this.scheduleAck(f.conversationId);
        this.checkGap(f.conversationId);
        break;
      }
      case 'sent':
        s.applySent(f);
        this.clearRetry(f.clientId);
        this.scheduleAck(f.conversationId);
        this.checkGap(f.conversationId);
        break;
      case 'receipt':
        s.applyReceipt(f);
        break;
      case 'typing':
        s.applyTyping(f);
        break;
      case 'presence':
        s.applyPresence(f);
        break;
      case 'profile':
        s.applyProfile(f);
        break;
      case 'request':
        this.loadRequests();
        break;
      case 'resync':
        s.applyResync(f);
        if (this.openId === f.conversationId) this.loadNewest(f.conversationId);
        break;
      case 'error':
        if (f.clientId && OUTBOX_REQUESTS.has(f.request)) this.sendFailed(f);
        break;
      default:
        // pong, ok, and frame types newer than this client: nothing to do.
        break;
    }
  }

  /**
   * After a reconnect the catch-up brings missed entries, but not receipts or unread counts of
   * conversations where nothing was missing: refresh those over REST.
   */
  async refreshAfterReconnect() {
    try {
      for (const s of await this.api.conversations()) this.store.applySummary(s);
      if (this.openId) await this.loadMeta(this.openId, true);
      this.updateWatch();
      this.loadPeople();
    } catch (e) {
      // The next reconnect tries again.
    }
  }

  // ---- people ------------------------------------------------------------------------------

  /** The requests folder, the blocks, and the profile of the signed-in user (also after a reconnect). */
  async loadPeople() {
    try {
      const [me, blocks] = await Promise.all([this.api.me(), this.api.blocks()]);
      this.store.setUser(me);
      for (const b of blocks.blocks) {
        this.store.setUser(b);
        this.store.blocked.add(b.userId);
      }
      this.store.emit('profile', this.store.me);
      await this.loadRequests();
    } catch (e) {
      // Offline: the next reconnect loads them.
    }
  }

  async loadRequests() {
    try {
      this.store.applyRequests(await this.api.requests());
    } catch (e) {
      // Refreshed at the next `request` frame or reconnect.
    }
  }

  async acceptRequest(id) {
    const o = await this.api.acceptRequest(id);
    this.store.settleRequest(id, true);
    this.store.applyConversation(o);
    this.updateWatch();
  }

  async declineRequest(id) {
    await this.api.declineRequest(id);
    this.store.settleRequest(id, false);
  }

  async block(userId) {
    await this.api.block(userId);
    this.store.setBlocked(userId, true);
    this.loadRequests();
  }

  async unblock(userId) {
    await this.api.unblock(userId);
    this.store.setBlocked(userId, false);
  }

  // ---- receipts ----------------------------------------------------------------------------

  scheduleAck(id) {
    this.pendingAcks.add(id);
    if (!this.ackTimer) this.ackTimer = setTimeout(() => this.flushAcks(), ACK_DELAY_MS);
  }

  /** Tells the node which entries this device now holds; reads them too if they are on screen. */
  flushAcks() {
    clearTimeout(this.ackTimer);
    this.ackTimer = null;
    const ids = [...this.pendingAcks];
    this.pendingAcks.clear();
    for (const id of ids) {
      const c = this.store.conversation(id);
      if (!c || c.request) continue;
      if (c.position > c.ackedDelivered && this.socket?.send({ type: 'delivered', conversationId: id, seq: c.position })) {
        c.ackedDelivered = c.position;
      }
      if (id === this.openId) this.markRead(id);
    }
  }

  /** Reads everything held in the open conversation, if the user can see it. */
  markRead(id) {
    const c = this.store.conversation(id);
    if (!c || c.request || document.visibilityState !== 'visible') return;
    if (c.position > c.myRead && this.socket?.send({ type: 'read', conversationId: id, seq: c.position })) {
      c.myRead = c.position;
      c.ackedDelivered = Math.max(c.ackedDelivered, c.position);
      this.store.recountUnread(c);
      this.store.emit('list');
    }
  }

  // ---- history -----------------------------------------------------------------------------

  /** The user opened a conversation: load what it needs and read it. */
  open(id) {
    if (this.typingIn && this.typingIn !== id) this.typing(this.typingIn, false);
    this.openId = id;
    const c = this.store.conversation(id);
    if (!c) return;
    if (!c.historyLoaded) this.loadNewest(id);
    // Members carry the receipt positions the ticks need, and the names of a group.
    this.loadMeta(id, !c.membersLoaded);
    this.markRead(id);
  }

  close() {
    if (this.typingIn) this.typing(this.typingIn, false);
    this.openId = null;
  }

  /**
   * Loads the entries from a little before `seq` (a search hit) forward until they meet what is
   * held, so the log shows no hole between the hit and the newest page (at most 20 pages).
   */
  async loadAround(id, seq) {
    let after = Math.max(0, seq - 10);
    for (let pages = 0; pages < 20; pages++) {
      const page = await this.api.messages(id, { after, limit: PAGE });
      this.store.applyPage(id, page, 'around');
      const c = this.store.conversation(id);
      const last = page.messages.at(-1)?.seq;
      if (!page.hasMore || last === undefined || c.entries.has(last + 1)) return;
      after = last;
    }
  }

  async loadNewest(id) {
    try {
      const page = await this.api.messages(id, { limit: PAGE });
      this.store.applyPage(id, page, 'newest');
      this.afterPage(id);
    } catch (e) {
      // Offline, most likely: try again while the chat stays open (also after `synced`).
      setTimeout(() => {
        if (this.openId === id && !this.store.conversation(id)?.historyLoaded) this.loadNewest(id);
      }, RETRY_PAGE_MS);
    }
  }

  /** Pages back from the oldest entry held (scroll-back). */
  async loadOlder(id) {
    const c = this.store.conversation(id);
    if (!c || !c.hasOlder || !c.historyLoaded || this.olderLoading.has(id)) return;
    // The view asks again on every render; after a failure, not before a pause.
    if (Date.now() < (this.olderRetryAt.get(id) ?? 0)) return;
    const oldest = Math.min(...c.entries.keys());
    if (!Number.isFinite(oldest) || oldest <= 1) {
      c.hasOlder = false;
      return;
    }
    this.olderLoading.add(id);
    this.store.emit('conversation', id);
    try {
      const page = await this.api.messages(id, { before: oldest, limit: PAGE });
      this.store.applyPage(id, page, 'before');
      this.olderRetryAt.delete(id);
    } catch (e) {
      this.olderRetryAt.set(id, Date.now() + RETRY_PAGE_MS);
    } finally {
      this.olderLoading.delete(id);
      this.store.emit('conversation', id);
    }
  }

  isLoadingOlder(id) {
    return this.olderLoading.has(id);
  }

  afterPage(id) {
    this.scheduleAck(id);
    this.checkGap(id);
  }

  /**
   * The node delivers each conversation without gaps, so a hole means our starting position was
   * off (e.g. a conversation first seen mid-stream): fetch what lies between, if it persists.
   */
  checkGap(id) {
    const c = this.store.conversation(id);
    if (!c || !this.store.hasGap(c) || this.gapTimers.has(id)) return;
    this.gapTimers.set(id, setTimeout(async () => {
      this.gapTimers.delete(id);
      if (!this.store.hasGap(c)) return;
      try {
        const page = await this.api.messages(id, { after: c.position, limit: 200 });
        this.store.applyPage(id, page, 'after');
        this.scheduleAck(id);
        this.checkGap(id);
      } catch (e) {
        this.checkGap(id);
      }
    }, GAP_WAIT_MS));
  }

  /** Fetches a conversation's details (kind, title, members and their positions). */
  loadMeta(id, force) {
    if (!force && this.store.conversation(id)?.membersLoaded) return Promise.resolve();
    if (this.metaLoading.has(id)) return this.metaLoading.get(id);
    const p = this.api.conversation(id)
      .then((o) => {
        this.store.applyConversation(o);
        this.updateWatch();
      })
      .catch(() => {
        // Not a member any more, or offline: the next frame or reconnect asks again.
      })
      .finally(() => this.metaLoading.delete(id));
    this.metaLoading.set(id, p);
    return p;
  }

  // ---- creating conversations --------------------------------------------------------------

  async openDirect(username) {
    const o = await this.api.openDirect(username);
    this.store.applyConversation(o);
    this.updateWatch();
    return o.conversationId;
  }

  async createGroup(title, usernames) {
    const o = await this.api.createGroup(title, usernames);
    this.store.applyConversation(o);
    return o.conversationId;
  }

  // ---- sending -----------------------------------------------------------------------------

  send(conversationId, body, replyTo = null, attachments = null) {
    this.typing(conversationId, false);
    const mentions = this.store.mentionsIn(this.store.conversation(conversationId), body);
    const item = this.store.queue(conversationId, body, replyTo, mentions, attachments);
    this.transmit(item);
  }

  /**
   * Uploads the files one after the other (`onProgress(name, fraction)`), then sends one message
   * carrying them with `body` (which may be empty). An upload refused (too large, a type the node
   * does not take) stops there and throws; nothing is sent.
   */
  async sendFiles(conversationId, files, body = '', replyTo = null, onProgress = () => {}) {
    const uploaded = [];
    for (const file of files) {
      uploaded.push(await this.api.upload(file, (f) => onProgress(file.name, f)));
    }
    this.send(conversationId, body, replyTo, uploaded);
  }

  /** Puts `emoji` on the message at `targetSeq`, or takes it off. */
  react(conversationId, targetSeq, emoji, remove) {
    this.transmit(this.store.queueAction(conversationId, 'react', { targetSeq, emoji, remove }));
  }

  /** Changes the text of one's own message. */
  edit(conversationId, targetSeq, body) {
    this.transmit(this.store.queueAction(conversationId, 'edit', { targetSeq, body }));
  }

  /** Deletes a message for everyone. */
  deleteMessage(conversationId, targetSeq) {
    this.transmit(this.store.queueAction(conversationId, 'delete', { targetSeq }));
  }

  /** Sends an outbox item; if the socket is down it waits for the resend after `ready`. */
  transmit(item) {
    const { clientId, conversationId } = item;
    let frame;
    switch (item.type ?? 'send') {
      case 'react':
        frame = { type: 'react', clientId, conversationId, targetSeq: item.targetSeq, emoji: item.emoji };
        if (item.remove) frame.remove = true;
        break;
      case 'edit':
        frame = { type: 'edit', clientId, conversationId, targetSeq: item.targetSeq, body: item.body };
        break;
      case 'delete':
        frame = { type: 'delete', clientId, conversationId, targetSeq: item.targetSeq };
        break;
      default:
        frame = { type: 'send', clientId, conversationId, body: item.body };
        if (item.replyTo) frame.replyTo = item.replyTo;
        if (item.mentions) frame.mentions = item.mentions;
        if (item.attachments) frame.attachments = item.attachments.map((a) => a.id);
    }
    this.socket?.send(frame);
  }

  /** After every `ready`: unconfirmed sends again, same clientId, so none is stored twice. */
  resendOutbox() {
    const items = [...this.store.outbox.values()].filter((i) => !i.failed).sort((a, b) => a.createdAt - b.createdAt);
    for (const item of items) this.transmit(item);
  }

  retry(clientId) {
    const item = this.store.outbox.get(clientId);
    if (!item) return;
    item.failed = null;
    this.store.saveOutbox();
    this.store.emit('conversation', item.conversationId);
    this.transmit(item);
  }

  discard(clientId) {
    const item = this.store.outbox.get(clientId);
    this.store.removeFromOutbox(clientId);
    if (item) this.store.emit('conversation', item.conversationId);
  }

  sendFailed(f) {
    const item = this.store.outbox.get(f.clientId);
    if (!item) return;
    if (f.code === 'rate_limited' || f.code === 'unavailable' || f.code === 'internal') {
      // Transient: the same clientId later is safe.
      const wait = f.retryAfterMs ?? 1_000 + Math.random() * 1_000;
      this.clearRetry(f.clientId);
      this.retryTimers.set(f.clientId, setTimeout(() => {
        this.retryTimers.delete(f.clientId);
        this.transmit(item);
      }, wait));
    } else if ((item.type ?? 'send') === 'send') {
      this.store.markFailed(f.clientId, f.message || f.code);
    } else {
      // A refused action has no row of its own to retry from: it is dropped and said.
      this.store.removeFromOutbox(f.clientId);
      this.store.notice(item.conversationId, ACTION_REFUSED[f.code] ?? f.message ?? f.code);
    }
  }

  clearRetry(clientId) {
    clearTimeout(this.retryTimers.get(clientId));
    this.retryTimers.delete(clientId);
  }

  // ---- typing and presence -----------------------------------------------------------------

  /** The composer's content changed (`active`) or was sent, emptied or left (`!active`). */
  typing(conversationId, active) {
    if (!conversationId) return;
    clearTimeout(this.typingIdle);
    if (active) {
      const now = Date.now();
      if (this.typingIn !== conversationId || now - this.typingSentAt >= TYPING_REPEAT_MS) {
        if (this.typingIn && this.typingIn !== conversationId) this.typing(this.typingIn, false);
        if (this.socket?.send({ type: 'typing', conversationId, typing: true })) {
          this.typingIn = conversationId;
          this.typingSentAt = now;
        }
      }
      this.typingIdle = setTimeout(() => this.typing(conversationId, false), TYPING_IDLE_MS);
    } else if (this.typingIn === conversationId) {
      this.socket?.send({ type: 'typing', conversationId, typing: false });
      this.typingIn = null;
      this.typingSentAt = 0;
    }
  }

  /** Watches the presence of every direct peer; sent again only when the set changes. */
  updateWatch() {
    const ids = this.store.watchedUsers();
    const key = ids.join(',');
    if (key === this.watching) return;
    if (this.socket?.send({ type: 'watch', userIds: ids })) this.watching = key;
  }
}

function backoff(attempt) {
  const base = Math.min(30_000, 500 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
