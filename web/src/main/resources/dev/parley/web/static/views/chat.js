// The chat pane: header (who, presence or typing), the message log with ticks and scroll-back,
// and the composer. The log is rendered by key (one element per entry, kept across renders), so
// live traffic only adds rows and flips ticks instead of rebuilding the list.

import { h, setText } from '../dom.js';
import { clockTime, dayKey, dayLabel, describeEvent, presenceText } from '../format.js';
import { icon } from '../icons.js';
import { avatar, frameScheduler, updateAvatar } from './common.js';
import { ACTIONS, quoteOf } from '../store.js';
import { AttachmentView } from './files.js';

const NEAR_BOTTOM_PX = 80;
const LOAD_OLDER_PX = 200;
const RUN_GAP_MS = 5 * 60_000; // messages closer than this from one sender form one visual run
const STATUS_LABEL = { pending: 'Sending', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Not sent' };
/** The quick reactions, as Messenger offers them. */
const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];
/** The node's default edit window; a node configured otherwise says so when an edit is refused. */
const EDIT_WINDOW_MS = 15 * 60_000;
const LONG_PRESS_MS = 450;
const MENTION = /(^|\s)@([\p{L}\p{N}_.-]{0,32})$/u;

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
    // Photos and files: the attach button, pasting an image, or dropping files on the chat.
    this.files = new AttachmentView(sync.client);
    this.filePicker = h('input', { type: 'file', multiple: true, hidden: true,
      on: { change: () => { this.attach([...this.filePicker.files]); this.filePicker.value = ''; } } });
    this.attachBtn = h('button', { class: 'icon-btn attach-btn', type: 'button', title: 'Attach photos or files',
      attrs: { 'aria-label': 'Attach photos or files' }, on: { click: () => this.filePicker.click() } }, icon('clip'));
    this.uploadNote = h('p', { class: 'upload-note', hidden: true, attrs: { role: 'status' } });
    this.composerNote = h('p', { class: 'composer-note', hidden: true });
    // Above the composer: what the next message answers, or that it edits one.
    this.replyTo = null; // {seq} the next send answers
    this.editing = null; // {seq} the composer's text replaces
    this.contextLabel = h('span', { class: 'context-label' });
    this.contextText = h('span', { class: 'context-text' });
    this.contextBar = h('div', { class: 'composer-context', hidden: true },
      h('div', { class: 'context-lines' }, this.contextLabel, this.contextText),
      h('button', { class: 'icon-btn', type: 'button', attrs: { 'aria-label': 'Cancel' }, on: { click: () => this.cancelContext() } },
        icon('close')));
    this.mentions = h('ul', { class: 'mention-list', hidden: true, attrs: { role: 'listbox', 'aria-label': 'Members' } });
    this.composer = h('form', { class: 'composer' }, this.attachBtn, this.filePicker, this.input, this.sendBtn);
    this.input.addEventListener('paste', (e) => {
      const pasted = [...(e.clipboardData?.files ?? [])];
      if (pasted.length) {
        e.preventDefault();
        this.attach(pasted);
      }
    });
    this.composer.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (e) => {
      // Enter sends, Shift+Enter is a new line; an IME composing text keeps Enter for itself.
      if ((e.key === 'Enter' || e.key === 'Tab') && !e.isComposing && !this.mentions.hidden) {
        e.preventDefault();
        this.mentions.firstElementChild?.click();
        return;
      }
      if (e.key === 'Escape' && (this.replyTo || this.editing)) {
        this.cancelContext();
        return;
      }
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener('input', () => {
      this.autosize();
      this.suggestMentions();
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
      this.composerNote, this.uploadNote, this.blockedNote, this.requestBar, this.mentions, this.contextBar, this.composer);
    this.body.addEventListener('dragover', (e) => {
      if (this.composer.hidden || !e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      this.body.classList.add('dropping');
    });
    this.body.addEventListener('dragleave', (e) => { if (e.target === this.body) this.body.classList.remove('dropping'); });
    this.body.addEventListener('drop', (e) => {
      this.body.classList.remove('dropping');
      const dropped = [...(e.dataTransfer?.files ?? [])];
      if (!dropped.length || this.composer.hidden) return;
      e.preventDefault();
      this.attach(dropped);
    });
    // One message's actions are open at a time (hover shows them on desktop; a long press or a
    // right click pins them, which is how a phone gets them).
    this.openActions = null;
    this.scroller.addEventListener('click', (e) => {
      if (this.openActions && !this.openActions.contains(e.target)) this.pinActions(null);
    });
    this.el = h('section', { class: 'chat', attrs: { 'aria-label': 'Chat' } }, this.placeholder, this.body, this.files.viewer);

    this.render = frameScheduler(() => this.draw());
    store.subscribe((c) => {
      if (!this.id) return;
      if ((c.type === 'conversation' && c.id === this.id) || c.type === 'presence' || c.type === 'connection'
        || c.type === 'profile' || c.type === 'list') this.render();
      if (c.type === 'notice' && c.id === this.id) this.note(store.lastNotice.text);
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
      this.cancelContext(false);
      this.openActions = null;
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
    if (this.editing) {
      const target = this.store.conversation(this.id)?.entries.get(this.editing.seq);
      if (target && target.body !== body) this.sync.edit(this.id, this.editing.seq, body);
    } else {
      this.sync.send(this.id, body, this.replyTo?.seq ?? null);
    }
    this.cancelContext(false);
    this.input.value = '';
    this.drafts?.delete(this.id);
    this.autosize();
    this.scrollToBottom(false);
    this.input.focus({ preventScroll: true });
  }

  /** Uploads the files with progress, then sends them in one message (the composer keeps its text). */
  async attach(files) {
    const id = this.id;
    if (!id || !files.length || this.composer.hidden) return;
    this.note('');
    const replyTo = this.replyTo?.seq ?? null;
    try {
      await this.sync.sendFiles(id, files, '', replyTo, (name, f) => {
        this.uploadNote.hidden = false;
        setText(this.uploadNote, `Uploading ${name}… ${Math.round(f * 100)}%`);
      });
      if (replyTo) this.cancelContext(false);
      this.scrollToBottom(false);
    } catch (err) {
      this.onError(err, (text) => this.note(text));
    } finally {
      this.uploadNote.hidden = true;
    }
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
      attachments: i.attachments, replyTo: i.replyTo,
      quote: i.replyTo && c.entries.has(i.replyTo) ? quoteOf(c.entries.get(i.replyTo)) : undefined,
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
      if (ACTIONS.has(e.kind)) continue; // shown on the message it changes
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
      time: h('time', { class: 'msg-time' }),
      ticks: h('span', { class: 'ticks' }),
    };
    parts.quote = h('button', { class: 'quote', type: 'button', hidden: true,
      on: { click: () => this.scrollToSeq(Number(parts.quote.dataset.seq)) } });
    parts.body = h('span', { class: 'body' });
    parts.edited = h('span', { class: 'edited', text: 'Edited', hidden: true });
    parts.reactions = h('div', { class: 'reactions', hidden: true });
    parts.files = h('div', { class: 'files', hidden: true });
    const bubble = h('div', { class: 'bubble' },
      parts.sender,
      parts.quote,
      parts.files,
      parts.body,
      h('span', { class: 'meta' }, parts.edited, parts.time, row.mine ? parts.ticks : null));
    parts.actions = this.actionBar(row);
    const el = h('div', { class: `msg ${row.mine ? 'mine' : 'theirs'}`, dataset: { key: row.key } },
      h('div', { class: 'msg-line' }, bubble, parts.actions), parts.reactions);
    el.parts = parts;
    el.addEventListener('contextmenu', (ev) => {
      if (el.dataset.seq && !el.classList.contains('deleted')) {
        ev.preventDefault();
        this.pinActions(el);
      }
    });
    let pressTimer = null;
    el.addEventListener('pointerdown', (ev) => {
      if (ev.pointerType !== 'touch') return;
      pressTimer = setTimeout(() => el.dataset.seq && !el.classList.contains('deleted') && this.pinActions(el), LONG_PRESS_MS);
    });
    for (const type of ['pointerup', 'pointercancel', 'pointermove']) el.addEventListener(type, () => clearTimeout(pressTimer));
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
    this.drawContent(el, row);
    if (row.sender) {
      // A group's messages show who wrote them: their picture (when they have one) and name.
      const pic = row.senderAvatar ? h('img', { class: 'sender-pic', attrs: { alt: '', src: row.senderAvatar } }) : null;
      parts.sender.replaceChildren(...(pic ? [pic] : []), h('span', { text: row.sender }));
      parts.sender.classList.toggle('with-avatar', !!pic);
    } else {
      parts.sender.replaceChildren();
    }
    parts.sender.hidden = !row.sender;
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
  /** The quote, text, edited mark, reactions and available actions of a message row. */
  drawContent(el, row) {
    const { parts } = el;
    const e = row.entry;
    const st = this.store;
    const deleted = !!e.deletedAt;
    el.classList.toggle('deleted', deleted);
    if (deleted) {
      delete parts.body.dataset.key;
      setText(parts.body, e.deletedBy === st.me ? 'You deleted this message' : 'Message deleted');
    } else if (e.body != null && e.mentions?.length) {
      // The @names the sender's client marked stand out; one naming this user more so.
      const key = JSON.stringify([e.body, e.mentions]);
      if (parts.body.dataset.key !== key) {
        parts.body.dataset.key = key;
        const nodes = [];
        let at = 0;
        for (const m of [...e.mentions].sort((a, b) => a.offset - b.offset)) {
          if (m.offset < at || m.offset + m.length > e.body.length) continue;
          nodes.push(e.body.slice(at, m.offset));
          nodes.push(h('span', { class: `mention-text${m.userId === st.me ? ' me' : ''}`, text: e.body.slice(m.offset, m.offset + m.length) }));
          at = m.offset + m.length;
        }
        nodes.push(e.body.slice(at));
        parts.body.replaceChildren(...nodes);
      }
    } else {
      delete parts.body.dataset.key;
      setText(parts.body, e.body ?? 'Message erased');
    }
    parts.body.classList.toggle('gone', deleted || e.body == null);
    const files = deleted ? [] : (e.attachments ?? []);
    parts.files.hidden = files.length === 0;
    const fkey = files.map((a) => a.id).join(',');
    if (parts.files.dataset.key !== fkey) {
      parts.files.dataset.key = fkey;
      parts.files.replaceChildren(...this.files.render(files));
    }
    // A message of files alone has no text to show (its body is "").
    parts.body.hidden = !deleted && files.length > 0 && !e.body;
    el.classList.toggle('has-files', files.length > 0);
    parts.edited.hidden = deleted || !e.editedAt;
    if (e.editedAt) parts.edited.title = `Edited ${clockTime(e.editedAt)}`;

    parts.quote.hidden = !e.replyTo;
    if (e.replyTo) {
      const q = e.quote;
      const who = q ? st.nameOf(q.senderId) : '';
      const text = !q ? 'Original message unavailable' : q.deleted ? 'Message deleted' : (q.excerpt ?? 'Message erased');
      const key = `${e.replyTo}|${who}|${text}`;
      if (parts.quote.dataset.key !== key) {
        parts.quote.dataset.key = key;
        parts.quote.dataset.seq = String(e.replyTo);
        parts.quote.replaceChildren(
          h('span', { class: 'quote-who', text: who ? `${who === 'You' ? 'You' : who}` : '' }),
          h('span', { class: 'quote-text', text }));
      }
      parts.quote.classList.toggle('gone', !q || !!q.deleted || q.excerpt == null);
    }

    const reactions = deleted ? [] : Object.entries(e.reactions ?? {}).filter(([, users]) => users.length);
    parts.reactions.hidden = reactions.length === 0;
    const rkey = JSON.stringify(reactions);
    if (parts.reactions.dataset.key !== rkey) {
      parts.reactions.dataset.key = rkey;
      parts.reactions.replaceChildren(...reactions.map(([emoji, users]) => {
        const mine = users.includes(st.me);
        const names = users.map((u) => st.nameOf(u)).join(', ');
        return h('button', {
          class: `reaction${mine ? ' mine' : ''}`, type: 'button', title: names,
          attrs: { 'aria-label': `${emoji} ${users.length}: ${names}${mine ? '. Tap to remove yours' : ''}`, 'aria-pressed': String(mine) },
          on: { click: () => e.seq !== null && this.sync.react(this.id, e.seq, emoji, mine) },
        }, h('span', { class: 'emoji', text: emoji }), h('span', { class: 'count', text: String(users.length) }));
      }));
    }

    // What may be done to it: nothing while unconfirmed or once deleted.
    const c = st.conversation(this.id);
    const myRole = c?.members.get(st.me)?.role;
    const confirmed = e.seq !== null;
    const canEdit = confirmed && row.mine && !deleted && e.body != null && Date.now() - e.ts < EDIT_WINDOW_MS;
    const canDelete = confirmed && !deleted && (row.mine || (c?.kind === 'group' && (myRole === 'owner' || myRole === 'admin')));
    const open = confirmed && !deleted && !c?.left;
    parts.actions.hidden = !open;
    parts.actions.reply.hidden = !open;
    parts.actions.edit.hidden = !canEdit;
    parts.actions.del.hidden = !canDelete;
    parts.actions.entry = e;
    if (!open && this.openActions === el) this.pinActions(null);
  }

  /** The buttons shown beside a message: react (with the quick reactions), reply, edit, delete. */
  actionBar(row) {
    const bar = h('div', { class: 'msg-actions', attrs: { role: 'toolbar', 'aria-label': 'Message actions' } });
    const act = (label, glyph, fn) => h('button', { class: 'msg-action', type: 'button', title: label,
      attrs: { 'aria-label': label }, on: { click: (ev) => { ev.stopPropagation(); fn(bar.entry); } } }, icon(glyph));
    const picker = h('div', { class: 'reaction-picker', hidden: true },
      ...QUICK_REACTIONS.map((emoji) => h('button', {
        class: 'pick', type: 'button', text: emoji, attrs: { 'aria-label': `React ${emoji}` },
        on: { click: (ev) => {
          ev.stopPropagation();
          const e = bar.entry;
          const mine = (e.reactions?.[emoji] ?? []).includes(this.store.me);
          this.sync.react(this.id, e.seq, emoji, mine);
          picker.hidden = true;
          this.pinActions(null);
        } },
      })));
    bar.react = act('React', 'smile', () => { picker.hidden = !picker.hidden; });
    bar.reply = act('Reply', 'reply', (e) => this.startReply(e));
    bar.edit = act('Edit', 'pencil', (e) => this.startEdit(e));
    bar.del = act('Delete for everyone', 'trash', (e) => this.confirmDelete(bar, e));
    bar.append(picker, bar.react, bar.reply, bar.edit, bar.del);
    bar.picker = picker;
    return bar;
  }

  /** Keeps one message's actions open (a long press, a right click), or none. */
  pinActions(el) {
    if (this.openActions && this.openActions !== el) {
      this.openActions.classList.remove('show-actions');
      this.openActions.parts.actions.picker.hidden = true;
      this.resetDelete(this.openActions.parts.actions);
    }
    this.openActions = el;
    el?.classList.add('show-actions');
  }

  /** Deleting asks once more, on the same button. */
  confirmDelete(bar, e) {
    if (bar.del.dataset.confirm !== 'yes') {
      bar.del.dataset.confirm = 'yes';
      bar.del.replaceChildren(h('span', { text: 'Delete for everyone?' }));
      bar.del.classList.add('confirm');
      this.pinActions(bar.closest('.msg'));
      return;
    }
    this.resetDelete(bar);
    this.pinActions(null);
    if (this.editing?.seq === e.seq || this.replyTo?.seq === e.seq) this.cancelContext(false);
    this.sync.deleteMessage(this.id, e.seq);
  }

  resetDelete(bar) {
    if (bar.del.dataset.confirm === 'yes') {
      delete bar.del.dataset.confirm;
      bar.del.replaceChildren(icon('trash'));
      bar.del.classList.remove('confirm');
    }
  }

  startReply(e) {
    this.pinActions(null);
    this.editing = null;
    this.replyTo = { seq: e.seq };
    setText(this.contextLabel, `Replying to ${e.senderId === this.store.me ? 'yourself' : this.store.nameOf(e.senderId)}`);
    setText(this.contextText, e.body ?? '');
    this.contextBar.hidden = false;
    this.contextBar.classList.remove('editing');
    this.input.focus({ preventScroll: true });
  }

  startEdit(e) {
    this.pinActions(null);
    this.replyTo = null;
    this.editing = { seq: e.seq };
    setText(this.contextLabel, 'Editing message');
    setText(this.contextText, e.body ?? '');
    this.contextBar.hidden = false;
    this.contextBar.classList.add('editing');
    this.input.value = e.body ?? '';
    this.autosize();
    this.input.focus({ preventScroll: true });
  }

  /** Back to a plain new message; `clear` also empties an edit's text from the composer. */
  cancelContext(clear = true) {
    if (clear && this.editing) {
      this.input.value = '';
      this.autosize();
    }
    this.replyTo = null;
    this.editing = null;
    this.contextBar.hidden = true;
  }

  /** Brings the message at `seq` into view once it is drawn (a search hit just loaded). */
  showSeq(seq, tries = 40) {
    const el = this.log.querySelector(`[data-seq="${seq}"]`);
    if (el) {
      this.scrollToSeq(seq);
      return;
    }
    if (tries > 0) requestAnimationFrame(() => this.showSeq(seq, tries - 1));
  }

  scrollToSeq(seq) {
    const el = this.log.querySelector(`[data-seq="${seq}"]`);
    if (!el) return;
    el.scrollIntoView({ block: 'center', behavior: 'smooth' });
    el.classList.add('flash');
    setTimeout(() => el.classList.remove('flash'), 1_200);
  }

  /** In a group, "@" and the start of a name offers the members whose name starts so. */
  suggestMentions() {
    const c = this.store.conversation(this.id);
    const before = this.input.value.slice(0, this.input.selectionStart ?? this.input.value.length);
    const m = c?.kind === 'group' ? MENTION.exec(before) : null;
    if (!m) {
      this.mentions.hidden = true;
      return;
    }
    const typed = m[2].toLowerCase();
    const found = [...c.members.values()]
      .filter((x) => x.userId !== this.store.me)
      .map((x) => ({ userId: x.userId, username: x.username ?? this.store.users.get(x.userId)?.username, name: this.store.nameOf(x.userId) }))
      .filter((x) => x.username && (x.username.toLowerCase().startsWith(typed) || x.name.toLowerCase().startsWith(typed)))
      .slice(0, 6);
    this.mentions.replaceChildren(...found.map((x) => h('li', {
      class: 'mention', attrs: { role: 'option' },
      on: { click: () => this.insertMention(before.length - m[2].length - 1, x.username) },
    }, h('span', { class: 'mention-name', text: x.name }), h('span', { class: 'mention-user', text: `@${x.username}` }))));
    this.mentions.hidden = found.length === 0;
  }

  insertMention(at, username) {
    const v = this.input.value;
    const end = this.input.selectionStart ?? v.length;
    const inserted = `@${username} `;
    this.input.value = v.slice(0, at) + inserted + v.slice(end);
    const caret = at + inserted.length;
    this.input.setSelectionRange(caret, caret);
    this.mentions.hidden = true;
    this.input.focus({ preventScroll: true });
  }
}
