// The client's model of the account: conversations with their loaded history, members' receipt
// positions, presence, typing, and the outbox of sends not yet confirmed. It applies what the
// node says (list items, conversation objects, history pages, frames) and tells subscribers what
// changed. It does no I/O except keeping the outbox in localStorage.

import { newClientId } from './sdk/index.js';

const TYPING_SHOWN_MS = 7_000; // the node renews a `true` within 6 s or sends `false` itself

/** One conversation as this device knows it. */
function newConversation(id) {
  return {
    id,
    kind: null, // 'direct' | 'group', null until the node told us
    title: null,
    peer: null, // {userId, username, displayName, avatar, deleted} for direct conversations
    request: false, // a message request to this user, not accepted yet (listed apart, read-only)
    lastSeq: 0,
    lastActivityAt: 0,
    lastMessage: null,
    unread: 0,
    myRead: 0,
    myDelivered: 0,
    // The resume position: every entry up to here is accounted for (held, or loadable as older
    // history), so `auth` asks the node only for what comes after it.
    position: 0,
    entries: new Map(), // seq -> entry: the loaded window of history
    historyLoaded: false, // the newest page has been fetched since the last (re)start
    hasOlder: false,
    members: new Map(), // userId -> {userId, username, role, delivered, read}
    membersLoaded: false,
    left: false, // removed from the group, or left it: read-only from then on
    typing: new Map(), // userId -> time the indicator expires
    ackedDelivered: 0,
    mentionSeq: 0, // the newest entry that mentions this user (the list marks it until read)
  };
}

export class Store {
  constructor({ userId, deviceId, username }) {
    this.me = userId;
    this.deviceId = deviceId;
    this.username = username;
    this.conversations = new Map();
    // userId -> profile {userId, username, displayName, status, avatar, deleted}, from every source.
    this.users = new Map([[userId, { userId, username, displayName: username }]]);
    this.blocked = new Set(); // users this user blocked
    this.presence = new Map(); // userId -> {online, lastSeen}
    this.connection = { state: 'connecting', info: {} };
    this.listeners = new Set();
    this.outboxKey = `parley.outbox.${userId}`;
    this.outbox = loadOutbox(this.outboxKey); // clientId -> {clientId, conversationId, body, createdAt, failed}
    /** Told every time a conversation's resume position moves (the SDK's client starts from there). */
    this.onPosition = () => {};
  }

  /** `fn(change)` for every change; change.type is list, conversation, presence or connection. */
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(type, id) {
    for (const fn of this.listeners) fn({ type, id });
  }

  conversation(id) {
    return this.conversations.get(id);
  }

  ensure(id) {
    let c = this.conversations.get(id);
    if (!c) {
      c = newConversation(id);
      this.conversations.set(id, c);
    }
    return c;
  }

  nameOf(userId) {
    if (userId === this.me) return 'You';
    return this.shownName(userId) ?? 'Someone';
  }

  /** The name a user shows (their display name), "Deleted account", or null when unknown. */
  shownName(userId) {
    const p = this.users.get(userId);
    if (!p) return null;
    if (p.deleted) return 'Deleted account';
    return p.displayName || p.username || null;
  }

  /** The URL of a user's avatar image, or null. */
  avatarOf(userId) {
    const p = this.users.get(userId);
    return p?.avatar && !p.deleted ? `/v1/users/${userId}/avatar/${encodeURIComponent(p.avatar)}` : null;
  }

  /** Takes in what the node says of a user (a profile object or a member of a conversation object). */
  setUser(p) {
    if (!p || typeof p.userId !== 'number') return;
    const old = this.users.get(p.userId) ?? {};
    const next = { ...old };
    for (const k of ['username', 'displayName', 'status', 'avatar', 'deleted']) if (k in p) next[k] = p[k];
    next.userId = p.userId;
    this.users.set(p.userId, next);
  }

  /** A `profile` frame: names and avatars change wherever the user is shown. */
  applyProfile(f) {
    this.setUser(f);
    for (const c of this.conversations.values()) {
      if (c.peer?.userId === f.userId) c.peer = { ...c.peer, ...this.users.get(f.userId) };
      if (c.peer?.userId === f.userId || c.members.has(f.userId)) this.emit('conversation', c.id);
    }
    this.emit('list');
    this.emit('profile', f.userId);
  }

  /** What the list and the chat header call the conversation. */
  titleOf(c) {
    if (c.kind === 'direct') return (c.peer && this.shownName(c.peer.userId)) ?? c.peer?.username ?? 'Direct conversation';
    return c.title ?? 'Group';
  }

  /** Conversations, most recent activity first (message requests are listed apart). */
  sorted() {
    return [...this.conversations.values()]
      .filter((c) => c.kind && !c.request)
      .sort((a, b) => b.lastActivityAt - a.lastActivityAt || b.id - a.id);
  }

  /** Message requests, newest activity first. */
  requests() {
    return [...this.conversations.values()]
      .filter((c) => c.kind && c.request)
      .sort((a, b) => b.lastActivityAt - a.lastActivityAt || b.id - a.id);
  }

  /** The requests folder as the node lists it: requests no longer in it are dropped. */
  applyRequests(items) {
    const ids = new Set(items.map((s) => s.conversationId));
    for (const c of [...this.conversations.values()]) {
      if (c.request && !ids.has(c.id)) this.conversations.delete(c.id);
    }
    for (const s of items) {
      const c = this.ensure(s.conversationId);
      c.request = true;
      this.applySummary(s);
    }
    this.emit('list');
  }

  /** A request became an ordinary conversation (accepted), or was declined (gone). */
  settleRequest(id, accepted) {
    const c = this.conversations.get(id);
    if (!c) return;
    if (accepted) c.request = false;
    else this.conversations.delete(id);
    this.emit('list');
    this.emit('conversation', id);
  }

  setBlocked(userId, blocked) {
    if (blocked) this.blocked.add(userId);
    else this.blocked.delete(userId);
    this.emit('list');
    for (const c of this.conversations.values()) if (c.peer?.userId === userId) this.emit('conversation', c.id);
  }

  /** User ids whose presence the list shows: the peers of direct conversations. */
  watchedUsers() {
    const ids = new Set();
    for (const c of this.conversations.values()) if (c.peer) ids.add(c.peer.userId);
    return [...ids].sort((a, b) => a - b);
  }

  // ---- from REST ---------------------------------------------------------------------------

  /** An item of GET /v1/conversations. */
  applySummary(s) {
    const known = this.conversations.has(s.conversationId);
    const c = this.ensure(s.conversationId);
    c.kind = s.kind;
    c.title = s.title ?? c.title;
    if (s.peer) {
      c.peer = s.peer;
      this.setUser(s.peer);
    }
    if (!known) {
      // A new device holds nothing yet; older entries are paged in when the chat opens.
      this.setPosition(c, s.lastSeq);
      c.hasOlder = s.lastSeq > 0;
    }
    c.myRead = Math.max(c.myRead, s.read ?? 0);
    c.myDelivered = Math.max(c.myDelivered, s.delivered ?? 0);
    c.ackedDelivered = Math.max(c.ackedDelivered, c.myDelivered);
    c.lastActivityAt = Math.max(c.lastActivityAt, s.lastActivityAt ?? 0);
    // The node says whether a message after our read position mentions us; where, it does not.
    if (s.mentioned) c.mentionSeq = Math.max(c.mentionSeq, s.lastSeq);
    else if (c.mentionSeq <= (s.lastSeq ?? 0)) c.mentionSeq = 0;
    if (s.lastSeq >= c.lastSeq) {
      c.lastSeq = s.lastSeq;
      if (s.lastMessage) c.lastMessage = s.lastMessage;
      c.unread = s.unread ?? 0;
    } else {
      // We hold entries newer than the list saw: its count plus ours.
      c.unread = (s.unread ?? 0) + this.countUnread(c, s.lastSeq);
    }
    this.emit('list');
  }

  /** A conversation object (GET /v1/conversations/{id}, or the answer to creating one). */
  applyConversation(o) {
    const known = this.conversations.has(o.conversationId);
    const c = this.ensure(o.conversationId);
    c.kind = o.kind;
    c.title = o.title ?? c.title;
    if (!known) {
      this.setPosition(c, o.lastSeq);
      c.hasOlder = o.lastSeq > 0;
      c.lastActivityAt = o.lastActivityAt ?? o.createdAt ?? 0;
    }
    c.lastSeq = Math.max(c.lastSeq, o.lastSeq);
    const members = new Map();
    if (o.peer) {
      c.peer = o.peer;
      this.setUser(o.peer);
    }
    if (o.request === true) c.request = true;
    for (const m of o.members ?? []) {
      this.setUser(m);
      const old = c.members.get(m.userId);
      members.set(m.userId, {
        ...m,
        delivered: Math.max(m.delivered ?? 0, old?.delivered ?? 0),
        read: Math.max(m.read ?? 0, old?.read ?? 0),
      });
      if (m.userId === this.me) {
        c.myRead = Math.max(c.myRead, m.read ?? 0);
        c.myDelivered = Math.max(c.myDelivered, m.delivered ?? 0);
        c.ackedDelivered = Math.max(c.ackedDelivered, c.myDelivered);
      } else if (o.kind === 'direct') {
        c.peer = { userId: m.userId, username: m.username, displayName: m.displayName, avatar: m.avatar, deleted: m.deleted };
      }
    }
    c.members = members;
    c.membersLoaded = true;
    c.left = o.kind === 'group' && !members.has(this.me);
    if (o.kind === 'direct' && members.has(this.me)) c.request = false;
    this.recountUnread(c);
    this.emit('list');
    this.emit('conversation', c.id);
  }

  /**
   * A page of history. `newest` is the first page loaded (no `before`): it replaces the notion of
   * what is older; `before` pages extend it back.
   */
  applyPage(id, page, kind) {
    const c = this.ensure(id);
    for (const m of page.messages) this.addEntry(c, m, { live: false });
    if (kind === 'newest') {
      c.historyLoaded = true;
      c.hasOlder = page.hasMore;
    } else if (kind === 'before') {
      c.hasOlder = page.hasMore;
    }
    this.advance(c);
    this.recountUnread(c);
    this.emit('conversation', id);
    this.emit('list');
  }

  // ---- from the WebSocket ------------------------------------------------------------------

  /**
   * A `message` frame. Returns {fresh, created, membership}: whether it was new to us, whether
   * the conversation was unknown (its details must be fetched), and whether it changed members.
   */
  applyMessage(m) {
    const created = !this.conversations.has(m.conversationId);
    const c = this.ensure(m.conversationId);
    if (created) {
      // Unknown until now: created while we were away, or this is its first message. The node
      // sends a new conversation from seq 1 on; anything below is history to page in.
      this.setPosition(c, m.seq - 1);
      c.hasOlder = m.seq > 1;
      // Listed once its details (kind, peer, title) arrive: the caller fetches them.
    }
    const fresh = this.addEntry(c, m, { live: true });
    this.advance(c);
    this.emit('conversation', c.id);
    this.emit('list');
    const membership = m.kind !== 'text' && m.kind !== 'renamed' && !ACTIONS.has(m.kind);
    return { fresh, created, membership };
  }

  /**
   * A `sent` frame: the outbox item becomes the entry at `seq`. The node does not echo this
   * device's own entries back, so an action (reaction, edit, deletion) is applied here; `seq` 0
   * means the node stored nothing (a reaction already as asked, a message already deleted).
   */
  applySent(f) {
    const item = this.outbox.get(f.clientId);
    if (!item) return; // a repeat of a confirmation already applied
    this.removeFromOutbox(f.clientId);
    const c = this.ensure(f.conversationId);
    const base = {
      conversationId: f.conversationId, seq: f.seq, ts: f.ts, senderId: this.me, senderDeviceId: this.deviceId,
      clientId: f.clientId,
    };
    const type = item.type ?? 'send';
    if (type === 'send') {
      const entry = { ...base, kind: 'text', body: item.body };
      if (item.mentions) entry.mentions = item.mentions;
      if (item.attachments) entry.attachments = item.attachments;
      if (item.replyTo) {
        entry.replyTo = item.replyTo;
        const quoted = c.entries.get(item.replyTo);
        if (quoted) entry.quote = quoteOf(quoted);
      }
      this.addEntry(c, entry, { live: true });
    } else if (f.seq > 0) {
      const kind = { react: item.remove ? 'reaction_removed' : 'reaction_added', edit: 'edited', delete: 'deleted' }[type];
      this.addEntry(c, { ...base, kind, targetSeq: item.targetSeq, body: type === 'react' ? item.emoji : item.body },
        { live: true });
    }
    this.advance(c);
    this.emit('conversation', c.id);
    this.emit('list');
  }

  applyReceipt(f) {
    const c = this.conversations.get(f.conversationId);
    if (!c) return;
    if (f.userId === this.me) {
      // Our own positions moved, perhaps on another device: the unread badge follows.
      c.myRead = Math.max(c.myRead, f.read ?? 0);
      c.myDelivered = Math.max(c.myDelivered, f.delivered ?? 0);
      c.ackedDelivered = Math.max(c.ackedDelivered, c.myDelivered);
      this.recountUnread(c);
      this.emit('list');
    } else {
      const m = c.members.get(f.userId) ?? { userId: f.userId, username: this.users.get(f.userId)?.username, delivered: 0, read: 0 };
      m.delivered = Math.max(m.delivered ?? 0, f.delivered ?? 0);
      m.read = Math.max(m.read ?? 0, f.read ?? 0);
      c.members.set(f.userId, m);
    }
    this.emit('conversation', c.id);
  }

  applyTyping(f) {
    const c = this.conversations.get(f.conversationId);
    if (!c || f.userId === this.me) return;
    if (f.typing) c.typing.set(f.userId, Date.now() + TYPING_SHOWN_MS);
    else c.typing.delete(f.userId);
    this.emit('conversation', c.id);
    this.emit('list');
  }

  /** Drops typing indicators whose renewal never came (e.g. the connection dropped meanwhile). */
  expireTyping(now = Date.now(), all = false) {
    for (const c of this.conversations.values()) {
      let changed = false;
      for (const [userId, until] of c.typing) {
        if (all || until <= now) {
          c.typing.delete(userId);
          changed = true;
        }
      }
      if (changed) {
        this.emit('conversation', c.id);
        this.emit('list');
      }
    }
  }

  /** Names of the members typing in `c` now. */
  typingNames(c) {
    return [...c.typing.keys()].map((id) => this.nameOf(id));
  }

  applyPresence(f) {
    this.presence.set(f.userId, { online: f.online, lastSeen: f.lastSeen });
    this.emit('presence', f.userId);
  }

  /** A `resync`: we are too far behind; forget the local copy and continue from `latestSeq`. */
  applyResync(f) {
    const c = this.ensure(f.conversationId);
    c.entries.clear();
    this.setPosition(c, f.latestSeq);
    c.lastSeq = Math.max(c.lastSeq, f.latestSeq);
    c.historyLoaded = false;
    c.hasOlder = f.latestSeq > 0;
    this.emit('conversation', c.id);
    this.emit('list');
  }

  setConnection(state, info) {
    this.connection = { state, info };
    if (state !== 'live' && state !== 'syncing') this.expireTyping(Date.now(), true);
    this.emit('connection');
  }

  // ---- the outbox --------------------------------------------------------------------------

  /** Adds a message to send; it is shown at once and kept until the node confirms it. */
  queue(conversationId, body, replyTo = null, mentions = null, attachments = null) {
    const item = { type: 'send', clientId: newClientId(), conversationId, body, createdAt: Date.now(), failed: null };
    if (attachments?.length) item.attachments = attachments; // attachment objects, as uploaded
    if (replyTo) item.replyTo = replyTo;
    if (mentions?.length) item.mentions = mentions;
    this.outbox.set(item.clientId, item);
    this.saveOutbox();
    const c = this.ensure(conversationId);
    c.lastActivityAt = Math.max(c.lastActivityAt, item.createdAt);
    this.emit('conversation', conversationId);
    this.emit('list');
    return item;
  }

  /**
   * Adds a message action to send (`react` with emoji and remove, `edit` with body, `delete`),
   * kept like a send until the node confirms it, and sent again under the same client id after
   * a reconnect. It shows once confirmed.
   */
  queueAction(conversationId, type, fields) {
    const item = { type, clientId: newClientId(), conversationId, ...fields, createdAt: Date.now(), failed: null };
    this.outbox.set(item.clientId, item);
    this.saveOutbox();
    return item;
  }

  /** Whether a message this user has not read yet mentions them. */
  mentioned(c) {
    return c.mentionSeq > c.myRead;
  }

  /**
   * The mentions of a group message: each `@username` of a current member, with its place in the
   * text (UTF-16 offsets, as the node takes them), in text order, at most 50.
   */
  mentionsIn(c, body) {
    if (c?.kind !== 'group') return [];
    const byName = new Map();
    for (const m of c.members.values()) {
      const name = m.username ?? this.users.get(m.userId)?.username;
      if (name) byName.set(name, m.userId);
    }
    const out = [];
    for (const match of body.matchAll(/(?<![\w@])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)/g)) {
      const userId = byName.get(match[1]);
      if (userId !== undefined && out.length < 50) out.push({ userId, offset: match.index, length: match[0].length });
    }
    return out;
  }

  /** Something to tell the user about a conversation (a refused action); the chat view shows it. */
  notice(conversationId, text) {
    this.lastNotice = { conversationId, text };
    this.emit('notice', conversationId);
  }

  markFailed(clientId, reason) {
    const item = this.outbox.get(clientId);
    if (!item) return;
    item.failed = reason;
    this.saveOutbox();
    this.emit('conversation', item.conversationId);
  }

  removeFromOutbox(clientId) {
    if (this.outbox.delete(clientId)) this.saveOutbox();
  }

  /** Unconfirmed messages (not actions) of the conversation, oldest first. */
  pending(conversationId) {
    return [...this.outbox.values()].filter((i) => i.conversationId === conversationId && (i.type ?? 'send') === 'send')
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  saveOutbox() {
    try {
      localStorage.setItem(this.outboxKey, JSON.stringify([...this.outbox.values()]));
    } catch (e) {
      // Storage full or disabled: the outbox still lives for this page.
    }
  }

  clearOutbox() {
    this.outbox.clear();
    localStorage.removeItem(this.outboxKey);
  }

  // ---- receipts as ticks -------------------------------------------------------------------

  /** 'sent', 'delivered' or 'read' for our entry at `seq`: the least advanced other member decides. */
  statusOf(c, seq) {
    if (c.kind === 'group' && !c.membersLoaded) return 'sent';
    const others = [...c.members.values()].filter((m) => m.userId !== this.me);
    if (c.kind === 'direct' && others.length === 0) return 'sent';
    if (others.length === 0) return 'sent';
    if (others.every((m) => m.read >= seq)) return 'read';
    if (others.every((m) => m.delivered >= seq)) return 'delivered';
    return 'sent';
  }

  // ---- internals ---------------------------------------------------------------------------

  /** Stores an entry once (by seq); true if it was new. */
  addEntry(c, m, { live }) {
    if (c.entries.has(m.seq)) return false;
    if (m.replyTo && !m.quote && c.entries.has(m.replyTo)) {
      // This device's own reply, as it sent it: quoted by the rule the node's copy follows.
      m.quote = quoteOf(c.entries.get(m.replyTo));
    }
    c.entries.set(m.seq, m);
    if (ACTIONS.has(m.kind)) this.applyAction(c, m);
    if (m.senderId === this.me && m.clientId && this.outbox.has(m.clientId)) {
      // Our send, confirmed by the catch-up after a drop that swallowed its `sent`.
      this.removeFromOutbox(m.clientId);
    }
    if (m.kind === 'text' && m.senderId !== this.me && m.mentions?.some((x) => x.userId === this.me)) {
      c.mentionSeq = Math.max(c.mentionSeq, m.seq);
    }
    if (m.seq > c.lastSeq) {
      c.lastSeq = m.seq;
      if (live && m.kind === 'text' && m.senderId !== this.me && m.seq > c.myRead) c.unread++;
    }
    if (m.seq >= c.lastSeq) {
      c.lastMessage = m;
      c.lastActivityAt = Math.max(c.lastActivityAt, m.ts ?? 0);
    }
    if (m.kind === 'created') {
      c.kind = 'group';
      c.title = m.title ?? c.title;
    } else if (m.kind === 'renamed' && m.seq >= c.lastSeq) {
      c.title = m.title ?? c.title;
    }
    if ((m.kind === 'member_removed' || m.kind === 'member_left') && m.userIds?.[0] === this.me) c.left = true;
    return true;
  }

  /**
   * An action entry changes the message it names, if that message is held. A message loaded later
   * comes from storage with every earlier action already applied, so nothing is replayed; and
   * applying an action twice (a catch-up re-sends what the node already counted) changes nothing,
   * as reactions are kept as sets of (emoji, user) pairs.
   */
  applyAction(c, a) {
    const target = c.entries.get(a.targetSeq);
    if (!target || target.kind !== 'text') return;
    if (a.kind === 'deleted') {
      if (!target.deletedAt) {
        delete target.body;
        delete target.reactions;
        delete target.editedAt;
        target.deletedAt = a.ts;
        target.deletedBy = a.senderId;
      }
    } else if (target.deletedAt) {
      return; // nothing changes a deleted message
    } else if (a.kind === 'edited') {
      if (a.body != null && (target.editedAt ?? 0) <= a.ts) {
        target.body = a.body;
        target.editedAt = a.ts;
      }
    } else {
      const users = new Set(target.reactions?.[a.body] ?? []);
      if (a.kind === 'reaction_added') users.add(a.senderId);
      else users.delete(a.senderId);
      const next = { ...(target.reactions ?? {}) };
      if (users.size) next[a.body] = [...users];
      else delete next[a.body];
      target.reactions = next;
    }
    // Replies held here quote the message as it is now.
    for (const e of c.entries.values()) {
      if (e.replyTo === target.seq) e.quote = quoteOf(target);
    }
  }

  /** Moves the resume position over every entry now held contiguously above it. */
  advance(c) {
    const from = c.position;
    while (c.entries.has(c.position + 1)) c.position++;
    if (c.position !== from) this.onPosition(c.id, c.position);
  }

  setPosition(c, seq) {
    c.position = seq;
    this.onPosition(c.id, seq);
  }

  countUnread(c, above) {
    let n = 0;
    for (const e of c.entries.values()) {
      if (e.seq > above && e.seq > c.myRead && e.kind === 'text' && e.senderId !== this.me) n++;
    }
    return n;
  }

  /** Recounts unread exactly when the entries after our read position are all held. */
  recountUnread(c) {
    if (c.myRead >= c.lastSeq) {
      c.unread = 0;
      return;
    }
    for (let s = c.myRead + 1; s <= c.lastSeq; s++) if (!c.entries.has(s)) return;
    c.unread = this.countUnread(c, 0);
  }
}

/** Entry kinds that change an earlier message rather than add one to the log. */
export const ACTIONS = new Set(['reaction_added', 'reaction_removed', 'edited', 'deleted']);

const EXCERPT_CHARS = 100;

/** What a reply shows of the message it answers, as the node's `quote` does. */
export function quoteOf(m) {
  const q = { seq: m.seq, senderId: m.senderId, kind: m.kind };
  if (m.deletedAt) q.deleted = true;
  else if (m.body != null) {
    // The first 100 UTF-16 units, never half of a surrogate pair.
    let x = m.body.slice(0, EXCERPT_CHARS);
    if (/[\uD800-\uDBFF]$/.test(x)) x = x.slice(0, -1);
    q.excerpt = x;
  }
  return q;
}

function loadOutbox(key) {
  try {
    const items = JSON.parse(localStorage.getItem(key) ?? '[]');
    return new Map(items.map((i) => [i.clientId, i]));
  } catch (e) {
    return new Map();
  }
}
