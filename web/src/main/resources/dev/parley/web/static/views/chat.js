// The chat pane: header (who, presence or typing), the message log with ticks and scroll-back,
// and the composer. The log is rendered by key (one element per entry, kept across renders), so
// live traffic only adds rows and flips ticks instead of rebuilding the list.

import { h, setText } from '../dom.js';
import { clockTime, dayKey, dayLabel, describeEvent, presenceText } from '../format.js';
import { ACTION_KINDS, quoteLine, reactionLine, shownText } from '../actions.js';
import { icon } from '../icons.js';
import { avatar, frameScheduler, updateAvatar } from './common.js';

const NEAR_BOTTOM_PX = 80;
const LOAD_OLDER_PX = 200;
const RUN_GAP_MS = 5 * 60_000; // messages closer than this from one sender form one visual run
const STATUS_LABEL = { pending: 'Sending', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Not sent' };

export class ChatView {
  constructor(store, sync, { onBack, onReport = () => {}, onError = () => {} }) {
    this.store = store;
    this.sync = sync;
    this.id = null;
    this.items = new Map(); // key -> element in the log
    this.atBottom = true;
    this.maxBodyBytes = 16_384;

    this.back = h('button', { class: 'icon-btn back-btn', type: 'button', attrs: { 'aria-label': 'Back to conversations' }, on: { click: onBack } }, icon('back'));
    this.av = avatar({ name: '', size: 'avatar-sm' });
    this.title = h('h2', { class: 'chat-title' });
    this.subtitle = h('p', { class: 'chat-subtitle' });
    // The conversation's menu: block or unblock the other person, report them.
    this.menuBtn = h('button', { class: 'icon-btn menu-btn', type: 'button', title: 'Conversation menu',
      attrs: { 'aria-label': 'Conversation menu', 'aria-haspopup': 'menu' }, on: { click: () => this.toggleMenu() } }, h('span', { text: '⋮' }));
    this.blockItem = h('button', { type: 'button', attrs: { role: 'menuitem' }, on: { click: () => this.act(() => this.toggleBlock()) } });
    this.reportItem = h('button', { type: 'button', text: 'Report…', attrs: { role: 'menuitem' },
      on: { click: () => this.act(async () => onReport(this.store.conversation(this.id))) } });
    this.menu = h('div', { class: 'chat-menu', hidden: true, attrs: { role: 'menu' } }, this.blockItem, this.reportItem);
    this.onError = onError;
    this.header = h('header', { class: 'chat-header' }, this.back, this.av,
      h('div', { class: 'chat-heading' }, this.title, this.subtitle), this.menuBtn);

    this.historyStatus = h('div', { class: 'history-status' });
    this.log = h('div', { class: 'log' });
    this.typingRow = h('div', { class: 'typing-row', hidden: true },
      h('span', { class: 'typing-dots', attrs: { 'aria-hidden': 'true' } }, h('span'), h('span'), h('span')),
      h('span', { class: 'typing-text' }));
    this.scroller = h('div', { class: 'messages', attrs: { role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages' } },
      this.historyStatus, this.log, this.typingRow);
    this.scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });

    this.pill = h('button', { class: 'new-pill', type: 'button', hidden: true, on: { click: () => this.scrollToBottom(true) } },
      icon('down'), h('span', { text: 'New messages' }));

    this.input = h('textarea', {
      class: 'composer-input', rows: 1, placeholder: 'Message',
      attrs: { 'aria-label': 'Message', enterkeyhint: 'send', maxlength: '16384' },
    });
    this.sendBtn = h('button', { class: 'send-btn', type: 'submit', attrs: { 'aria-label': 'Send' } }, icon('send'));
    this.composerNote = h('p', { class: 'composer-note', hidden: true });
    this.composer = h('form', { class: 'composer' }, this.input, this.sendBtn);
    this.composer.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (e) => {
      // Enter sends, Shift+Enter is a new line; an IME composing text keeps Enter for itself.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener('input', () => {
      this.autosize();
      if (this.id) this.sync.typing(this.id, this.input.value.trim().length > 0);
    });
    this.input.addEventListener('blur', () => this.id && this.sync.typing(this.id, false));

    this.placeholder = h('div', { class: 'chat-placeholder' },
      icon('logo', { cls: 'placeholder-logo' }),
      h('p', { text: 'Select a conversation, or start a new one.' }));
    // A message request: read it, then accept, delete or block; no composer until accepted.
    this.requestText = h('p');
    this.requestBar = h('div', { class: 'request-bar', hidden: true },
      this.requestText,
      h('button', { class: 'btn btn-primary', type: 'button', text: 'Accept', on: { click: () => this.act(() => this.sync.acceptRequest(this.id)) } }),
      h('button', { class: 'btn', type: 'button', text: 'Delete', on: { click: () => this.act(() => this.sync.declineRequest(this.id)) } }),
      h('button', { class: 'btn danger', type: 'button', text: 'Block', on: { click: () => this.act(() => this.toggleBlock()) } }));
    this.blockedNote = h('p', { class: 'blocked-note', hidden: true });
    this.body = h('div', { class: 'chat-body', hidden: true }, this.header, this.menu, this.scroller, this.pill,
      this.composerNote, this.blockedNote, this.requestBar, this.composer);
    this.el = h('section', { class: 'chat', attrs: { 'aria-label': 'Chat' } }, this.placeholder, this.body);

    this.render = frameScheduler(() => this.draw());
    store.subscribe((c) => {
      if (!this.id) return;
      if ((c.type === 'conversation' && c.id === this.id) || c.type === 'presence' || c.type === 'connection'
        || c.type === 'profile' || c.type === 'list') this.render();
    });
  }

  toggleMenu(show = this.menu.hidden) {
    this.menu.hidden = !show;
  }

  /** Runs a menu or request action; its failure is said in the composer's note. */
  async act(fn) {
    this.toggleMenu(false);
    try {
      await fn();
    } catch (err) {
      this.onError(err, (text) => this.note(text));
    }
  }

  async toggleBlock() {
    const c = this.store.conversation(this.id);
    if (!c?.peer) return;
    if (this.store.blocked.has(c.peer.userId)) await this.sync.unblock(c.peer.userId);
    else await this.sync.block(c.peer.userId);
  }

  open(id) {
    if (this.id !== id) {
      this.saveDraft();
      this.id = id;
      this.items.clear();
      this.log.replaceChildren();
      this.input.value = this.drafts?.get(id) ?? '';
      this.autosize();
      this.atBottom = true;
      this.pill.hidden = true;
    }
    this.placeholder.hidden = true;
    this.body.hidden = false;
    this.draw();
    this.scrollToBottom(false);
  }

  close() {
    this.saveDraft();
    this.id = null;
    this.placeholder.hidden = false;
    this.body.hidden = true;
  }

  focusComposer() {
    this.input.focus({ preventScroll: true });
  }

  saveDraft() {
    if (!this.id) return;
    this.drafts ??= new Map();
    this.drafts.set(this.id, this.input.value);
  }

  submit() {
    const body = this.input.value.trim();
    if (!body || !this.id) return;
    if (new TextEncoder().encode(body).length > this.maxBodyBytes) {
      this.note('This message is too long to send (16 KB at most).');
      return;
    }
    this.note('');
    this.sync.send(this.id, body);
    this.input.value = '';
    this.drafts?.delete(this.id);
    this.autosize();
    this.scrollToBottom(false);
    this.input.focus({ preventScroll: true });
  }

  note(text) {
    setText(this.composerNote, text);
    this.composerNote.hidden = !text;
  }

  autosize() {
    // CSSOM writes are allowed by style-src 'self' (only inline style attributes are not).
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, 160)}px`;
  }

  onScroll() {
    const s = this.scroller;
    this.atBottom = s.scrollHeight - s.scrollTop - s.clientHeight < NEAR_BOTTOM_PX;
    if (this.atBottom) this.pill.hidden = true;
    if (s.scrollTop < LOAD_OLDER_PX && this.id) this.sync.loadOlder(this.id);
  }

  scrollToBottom(smooth) {
    this.scroller.scrollTo({ top: this.scroller.scrollHeight, behavior: smooth ? 'smooth' : 'instant' });
    this.atBottom = true;
    this.pill.hidden = true;
  }

  draw() {
    const c = this.store.conversation(this.id);
    if (!c) return;
    this.drawHeader(c);
    const s = this.scroller;
    const firstBefore = this.log.firstElementChild;
    const topBefore = firstBefore ? firstBefore.offsetTop - s.scrollTop : 0;
    const lastKeyBefore = this.log.lastElementChild?.dataset.key;
    const wasAtBottom = this.atBottom;

    this.drawLog(c);

    const last = this.log.lastElementChild;
    const appended = last && last.dataset.key !== lastKeyBefore;
    if (wasAtBottom) {
      s.scrollTop = s.scrollHeight;
    } else if (firstBefore && firstBefore.isConnected) {
      // Older history went in above: keep what the user was looking at where it was.
      s.scrollTop = firstBefore.offsetTop - topBefore;
      if (appended && !last.classList.contains('mine')) this.pill.hidden = false;
    }
    // A short history does not fill the pane, so no scroll would ever ask for more.
    if (c.hasOlder && c.historyLoaded && s.scrollHeight <= s.clientHeight + LOAD_OLDER_PX) this.sync.loadOlder(c.id);
  }

  drawHeader(c) {
    const st = this.store;
    const title = st.titleOf(c);
    setText(this.title, title);
    const p = c.peer ? st.presence.get(c.peer.userId) : null;
    updateAvatar(this.av, { name: title, group: c.kind === 'group', online: !!p?.online, src: c.peer ? st.avatarOf(c.peer.userId) : null });
    const blocked = !!c.peer && st.blocked.has(c.peer.userId);
    const deleted = !!c.peer && !!st.users.get(c.peer.userId)?.deleted;
    this.menuBtn.hidden = c.kind !== 'direct' || !c.peer || deleted;
    setText(this.blockItem, blocked ? `Unblock ${title}` : `Block ${title}`);
    this.requestBar.hidden = !c.request;
    setText(this.requestText, `${title} (@${c.peer?.username ?? ''}) wants to send you messages. They won't know you've seen them until you accept.`);
    this.blockedNote.hidden = !(blocked || deleted) || c.request;
    setText(this.blockedNote, deleted ? 'This account was deleted.' : `You blocked ${title}. Unblock them to write here.`);
    this.composer.hidden = c.request || blocked || deleted;
    const typing = st.typingNames(c);
    let sub;
    if (typing.length) sub = c.kind === 'group' ? `${typing.join(', ')} typing…` : 'typing…';
    else if (c.kind === 'group') sub = this.membersLine(c);
    else sub = presenceText(p);
    setText(this.subtitle, sub);
    this.subtitle.classList.toggle('typing', typing.length > 0);
    this.subtitle.classList.toggle('online', !typing.length && !!p?.online);

    setText(this.typingRow.lastChild, typing.length === 1 ? `${typing[0]} is typing…` : `${typing.join(' and ')} are typing…`);
    this.typingRow.hidden = typing.length === 0;

    const left = c.left;
    this.input.disabled = left;
    this.sendBtn.disabled = left;
    this.input.placeholder = left ? 'You are no longer a member of this group' : 'Message';
  }

  membersLine(c) {
    if (!c.membersLoaded) return '';
    const names = [...c.members.values()].map((m) => this.store.nameOf(m.userId));
    return names.length > 4 ? `${names.length} members` : names.join(', ');
  }

  /** Top of the log: a spinner while older history loads, or where the conversation began. */
  drawHistoryStatus(c) {
    let text = '';
    if (this.sync.isLoadingOlder(c.id) || (!c.historyLoaded && c.lastSeq > 0)) text = 'Loading…';
    else if (!c.hasOlder && c.historyLoaded) text = c.kind === 'group' ? '' : 'This is the beginning of your conversation.';
    setText(this.historyStatus, text);
    this.historyStatus.classList.toggle('loading', text === 'Loading…');
  }

  drawLog(c) {
    this.drawHistoryStatus(c);
    const rows = this.rowsOf(c);
    const seen = new Set();
    let cursor = this.log.firstElementChild;
    for (const row of rows) {
      seen.add(row.key);
      let el = this.items.get(row.key);
      if (!el) {
        el = this.createRow(row);
        this.items.set(row.key, el);
      }
      this.updateRow(el, row);
      if (el !== cursor) this.log.insertBefore(el, cursor);
      else cursor = cursor.nextElementSibling;
    }
    for (const [key, el] of this.items) {
      if (!seen.has(key)) {
        el.remove();
        this.items.delete(key);
      }
    }
  }

  /** What the log shows, in order: day separators, entries by seq, then unconfirmed sends. */
  rowsOf(c) {
    const st = this.store;
    const rows = [];
    const entries = [...c.entries.values()].sort((a, b) => a.seq - b.seq);
    const pending = st.pending(c.id).map((i) => ({
      seq: null, ts: i.createdAt, senderId: st.me, clientId: i.clientId, kind: 'text', body: i.body, failed: i.failed,
    }));
    let day = null;
    let prev = null;
    for (const e of [...entries, ...pending]) {
      const d = dayKey(e.ts);
      if (d !== day) {
        day = d;
        rows.push({ key: `d:${d}`, type: 'day', text: dayLabel(e.ts) });
        prev = null;
      }
      if (ACTION_KINDS.has(e.kind)) continue; // applied to the message it names (store.addEntry)
      if (e.kind !== 'text') {
        rows.push({ key: `s:${e.seq}`, type: 'event', text: describeEvent(e, (id) => st.nameOf(id)) });
        prev = null;
        continue;
      }
      const mine = e.senderId === st.me;
      let status = null;
      if (mine) status = e.seq === null ? (e.failed ? 'failed' : 'pending') : st.statusOf(c, e.seq);
      const cont = prev !== null && prev.senderId === e.senderId && e.ts - prev.ts < RUN_GAP_MS;
      rows.push({
        // By sender and clientId, so a pending send keeps its element when it is confirmed.
        key: e.clientId ? `m:${e.senderId}:${e.clientId}` : `s:${e.seq}`,
        type: 'text', entry: e, mine, status, cont,
        sender: c.kind === 'group' && !mine && !cont ? st.nameOf(e.senderId) : null,
        senderAvatar: c.kind === 'group' && !mine && !cont ? st.avatarOf(e.senderId) : null,
      });
      prev = e;
    }
    return rows;
  }

  createRow(row) {
    if (row.type === 'day') return h('div', { class: 'day-sep', dataset: { key: row.key } }, h('span', { text: row.text }));
    if (row.type === 'event') return h('div', { class: 'event', dataset: { key: row.key } }, h('span', { text: row.text }));
    const e = row.entry;
    const parts = {
      sender: h('div', { class: 'sender' }),
      quote: h('div', { class: 'quote', hidden: true }),
      body: h('span', { class: 'body', text: shownText(e) }),
      reactions: h('div', { class: 'reactions', hidden: true }),
      time: h('time', { class: 'msg-time' }),
      ticks: h('span', { class: 'ticks' }),
    };
    const bubble = h('div', { class: 'bubble' },
      parts.sender,
      parts.quote,
      parts.body,
      h('span', { class: 'meta' }, parts.time, row.mine ? parts.ticks : null),
      parts.reactions);
    const el = h('div', { class: `msg ${row.mine ? 'mine' : 'theirs'}`, dataset: { key: row.key } }, bubble);
    el.parts = parts;
    if (row.mine) {
      parts.retry = h('div', { class: 'failed-actions', hidden: true },
        h('span', { class: 'failed-reason' }),
        h('button', { type: 'button', class: 'link-btn', text: 'Retry', on: { click: () => this.sync.retry(e.clientId) } }),
        h('button', { type: 'button', class: 'link-btn', text: 'Discard', on: { click: () => this.sync.discard(e.clientId) } }));
      el.append(parts.retry);
    }
    return el;
  }

  updateRow(el, row) {
    if (row.type !== 'text') {
      setText(el.firstChild, row.text);
      return;
    }
    const { parts } = el;
    const e = row.entry;
    el.classList.toggle('cont', row.cont);
    if (e.seq !== null) el.dataset.seq = String(e.seq);
    if (row.sender) {
      // A group's messages show who wrote them: their picture (when they have one) and name.
      const pic = row.senderAvatar ? h('img', { class: 'sender-pic', attrs: { alt: '', src: row.senderAvatar } }) : null;
      parts.sender.replaceChildren(...(pic ? [pic] : []), h('span', { text: row.sender }));
      parts.sender.classList.toggle('with-avatar', !!pic);
    } else {
      parts.sender.replaceChildren();
    }
    parts.sender.hidden = !row.sender;
    // A reaction, an edit or a deletion changes the message in place.
    setText(parts.body, shownText(e));
    el.classList.toggle('deleted', !!e.deletedAt);
    const quote = quoteLine(e, (id) => this.store.nameOf(id));
    setText(parts.quote, quote);
    parts.quote.hidden = !quote;
    const reactions = reactionLine(e);
    setText(parts.reactions, reactions);
    parts.reactions.hidden = !reactions;
    setText(parts.time, clockTime(e.ts));
    if (!row.mine) return;
    if (el.dataset.status !== row.status) {
      el.dataset.status = row.status;
      const label = STATUS_LABEL[row.status];
      const glyph = { pending: 'clock', sent: 'check', delivered: 'checks', read: 'checks', failed: 'alert' }[row.status];
      parts.ticks.replaceChildren(icon(glyph, { label }));
      parts.ticks.title = label;
      parts.retry.hidden = row.status !== 'failed';
      if (row.status === 'failed') setText(parts.retry.firstChild, `Not sent: ${e.failed}`);
    }
  }
}
