// Keeps the Store in step with the node, through the SDK's client (sdk/index.js, the same file as
// clients/js/src/index.js): the first load, then what the client delivers (entries once and in
// order, receipts, typing, presence), acks (delivered / read), the outbox, typing and presence.
// The connection itself (reconnect, resume from positions, liveness, retries under one client id,
// holes, the pull fallback) is the client's. Views call this class's verbs (open, send, typing,
// loadOlder...); everything it learns goes into the Store, which tells the views.

import { ParleyError } from './sdk/index.js';

const TYPING_REPEAT_MS = 3_000; // the node forgets a `typing: true` after 6 s
const TYPING_IDLE_MS = 5_000; // no keystroke for this long means the user stopped
const ACK_DELAY_MS = 40; // coalesces a burst of entries (a catch-up) into one `delivered`
const PAGE = 50;
const RETRY_PAGE_MS = 3_000;
// Long polls miss a receipt that moves between two of them (docs/protocol.md, "What pull does not
// carry"): while pulling, the open conversation's members are read again this often.
const PULLING_RECEIPTS_MS = 4_000;
const ACTION_REFUSED = {
  edit_window_closed: 'This message can no longer be edited.',
  too_many_reactions: 'You can put at most 3 reactions on one message.',
  forbidden: 'You can only change your own messages.',
  target_not_found: 'That message is no longer there.',
};

export class Sync {
  /**
   * @param {object} o
   * @param {import('./sdk/index.js').ParleyClient} o.client the signed-in device's client (not started)
   * @param {import('./store.js').Store} o.store
   * @param {(closeCode?: number) => void} o.onRejected the node no longer takes the token
   */
  constructor({ client, store, onRejected }) {
    this.client = client;
    this.store = store;
    this.openId = null; // the conversation on screen, read as it arrives
    this.pendingAcks = new Set();
    this.ackTimer = null;
    this.sending = new Set(); // clientIds of outbox items the client is sending (and retrying)
    this.metaLoading = new Map(); // conversationId -> promise
    this.olderLoading = new Set();
    this.olderRetryAt = new Map(); // conversationId -> time before which scroll-back does not retry
    this.typingIn = null; // the conversation we told the node we are typing in
    this.typingSentAt = 0;
    this.typingIdle = null;
    this.syncedOnce = false;
    this.stopped = false;
    // What the store holds (loaded over REST included) is where a resume starts.
    store.onPosition = (id, seq) => client.hold(id, seq);
    this.off = [
      client.on('message', (m) => this.onEntry(m)),
      client.on('receipt', (r) => store.applyReceipt(r)),
      client.on('typing', (t) => store.applyTyping(t)),
      client.on('presence', (p) => store.applyPresence(p)),
      client.on('profile', (p) => store.applyProfile(p)),
      client.on('request', () => this.loadRequests()),
      client.on('resync', (r) => this.onResync(r)),
      client.on('ready', () => this.resendOutbox()),
      client.on('synced', () => this.onSynced()),
      client.on('state', (state) => {
        store.setConnection(state, client.stateInfo);
        this.followReceipts(state === 'pulling');
      }),
      client.on('rejected', (e) => onRejected(e.closeCode)),
    ];
    this.typingSweep = setInterval(() => store.expireTyping(), 1_000);
    this.receiptsTimer = null;
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
        for (const s of await this.client.allConversations()) this.store.applySummary(s);
        this.loadPeople();
        break;
      } catch (e) {
        if (e instanceof ParleyError && e.code === 'unauthenticated') return;
        const wait = backoff(attempt);
        this.store.setConnection('waiting', { retryAt: Date.now() + wait, offline: !navigator.onLine });
        await sleep(wait);
      }
    }
    if (this.stopped) return;
    this.client.start();
    // Sends left unconfirmed by an earlier page (the outbox is kept in localStorage).
    this.resendOutbox();
  }

  stop() {
    this.stopped = true;
    clearInterval(this.typingSweep);
    this.followReceipts(false);
    clearTimeout(this.ackTimer);
    clearTimeout(this.typingIdle);
    document.removeEventListener('visibilitychange', this.onVisible);
    for (const off of this.off) off();
    this.client.close();
  }

  retryNow() {
    this.client.reconnectNow();
  }

  /** Whether the client can tell the node something now (a WebSocket, or pulls that get answers). */
  connected() {
    return ['syncing', 'live', 'pulling'].includes(this.client.state);
  }

  /** While pulling, reads the open conversation's receipts now and then (see PULLING_RECEIPTS_MS). */
  followReceipts(pulling) {
    if (pulling && !this.receiptsTimer) {
      this.receiptsTimer = setInterval(() => this.openId && this.loadMeta(this.openId, true), PULLING_RECEIPTS_MS);
    } else if (!pulling) {
      clearInterval(this.receiptsTimer);
      this.receiptsTimer = null;
    }
  }

  // ---- what the client delivers ------------------------------------------------------------

  onEntry(m) {
    const { fresh, created, membership } = this.store.applyMessage(m);
    if (created || membership) this.loadMeta(m.conversationId, true);
    if (fresh) this.scheduleAck(m.conversationId);
  }

  onResync(r) {
    this.store.applyResync(r);
    if (this.openId === r.conversationId) this.loadNewest(r.conversationId);
  }

  onSynced() {
    this.flushAcks();
    if (this.openId) {
      this.markRead(this.openId);
      if (!this.store.conversation(this.openId)?.historyLoaded) this.loadNewest(this.openId);
    }
    if (this.syncedOnce) this.refreshAfterReconnect();
    this.syncedOnce = true;
  }

  /**
   * After a reconnect the catch-up brings missed entries, but not receipts or unread counts of
   * conversations where nothing was missing: refresh those over REST.
   */
  async refreshAfterReconnect() {
    try {
      for (const s of await this.client.allConversations()) this.store.applySummary(s);
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
      const [me, blocks] = await Promise.all([this.client.me(), this.client.blocks()]);
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
      this.store.applyRequests(await this.client.requests());
    } catch (e) {
      // Refreshed at the next `request` frame or reconnect.
    }
  }

  async acceptRequest(id) {
    const o = await this.client.acceptRequest(id);
    this.store.settleRequest(id, true);
    this.store.applyConversation(o);
    this.updateWatch();
  }

  async declineRequest(id) {
    await this.client.declineRequest(id);
    this.store.settleRequest(id, false);
  }

  async block(userId) {
    await this.client.block(userId);
    this.store.setBlocked(userId, true);
    this.loadRequests();
  }

  async unblock(userId) {
    await this.client.unblock(userId);
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
      if (c.position > c.ackedDelivered && this.connected()) {
        c.ackedDelivered = c.position;
        this.client.markDelivered(id, c.position).catch(() => {
          // The positions of the next resume say it too.
        });
      }
      if (id === this.openId) this.markRead(id);
    }
  }

  /** Reads everything held in the open conversation, if the user can see it. */
  markRead(id) {
    const c = this.store.conversation(id);
    if (!c || c.request || document.visibilityState !== 'visible') return;
    if (c.position > c.myRead && this.connected()) {
      this.client.markRead(id, c.position).catch(() => {
        // Read again at the next `synced` if still unread there.
      });
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
      const page = await this.client.history(id, { after, limit: PAGE });
      this.store.applyPage(id, page, 'around');
      const c = this.store.conversation(id);
      const last = page.messages.at(-1)?.seq;
      if (!page.hasMore || last === undefined || c.entries.has(last + 1)) return;
      after = last;
    }
  }

  async loadNewest(id) {
    try {
      const page = await this.client.history(id, { limit: PAGE });
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
      const page = await this.client.history(id, { before: oldest, limit: PAGE });
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
  }

  /** Fetches a conversation's details (kind, title, members and their positions). */
  loadMeta(id, force) {
    if (!force && this.store.conversation(id)?.membersLoaded) return Promise.resolve();
    if (this.metaLoading.has(id)) return this.metaLoading.get(id);
    const p = this.client.conversation(id)
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
    const o = await this.client.openDirect(username);
    this.store.applyConversation(o);
    this.updateWatch();
    return o.conversationId;
  }

  async createGroup(title, usernames) {
    const o = await this.client.createGroup(title, usernames);
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
      uploaded.push(await this.client.upload(file, { onProgress: (f) => onProgress(file.name, f) }));
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

  /**
   * Sends an outbox item through the client, which retries it under its client id (over the
   * WebSocket when up, REST otherwise, at once when the connection returns) until the node stores
   * it or refuses it.
   */
  transmit(item) {
    const { clientId, conversationId } = item;
    if (this.sending.has(clientId)) return;
    this.sending.add(clientId);
    const opts = { clientId, attempts: Infinity };
    let sending;
    switch (item.type ?? 'send') {
      case 'react':
        sending = this.client.react(conversationId, item.targetSeq, item.emoji, { ...opts, remove: Boolean(item.remove) });
        break;
      case 'edit':
        sending = this.client.edit(conversationId, item.targetSeq, item.body, opts);
        break;
      case 'delete':
        sending = this.client.deleteMessage(conversationId, item.targetSeq, opts);
        break;
      default:
        sending = this.client.send(conversationId, item.body, {
          ...opts, replyTo: item.replyTo, mentions: item.mentions, attachments: item.attachments,
        });
    }
    sending.then((sent) => {
      this.sending.delete(clientId);
      this.store.applySent(sent);
      this.scheduleAck(conversationId);
    }, (e) => {
      this.sending.delete(clientId);
      this.sendFailed(item, e);
    });
  }

  /** At the start and after every `ready`: unconfirmed sends not in the client's hands, same clientId. */
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

  /** The node refused an outbox item for good (retryable failures the client retries itself). */
  sendFailed(item, e) {
    if (e instanceof ParleyError && e.code === 'closed') return; // signed out meanwhile
    if (!this.store.outbox.has(item.clientId)) return;
    if ((item.type ?? 'send') === 'send') {
      this.store.markFailed(item.clientId, e.message || e.code);
    } else {
      // A refused action has no row of its own to retry from: it is dropped and said.
      this.store.removeFromOutbox(item.clientId);
      this.store.notice(item.conversationId, ACTION_REFUSED[e.code] ?? e.message ?? e.code);
    }
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
        if (this.connected()) {
          this.client.typing(conversationId, true).catch(() => {});
          this.typingIn = conversationId;
          this.typingSentAt = now;
        }
      }
      this.typingIdle = setTimeout(() => this.typing(conversationId, false), TYPING_IDLE_MS);
    } else if (this.typingIn === conversationId) {
      if (this.connected()) this.client.typing(conversationId, false).catch(() => {});
      this.typingIn = null;
      this.typingSentAt = 0;
    }
  }

  /** Watches the presence of every direct peer (the client sends it when the set changes, and after every reconnect). */
  updateWatch() {
    this.client.watch(this.store.watchedUsers());
  }
}

function backoff(attempt) {
  const base = Math.min(30_000, 500 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
