// The conversation list: one row per conversation, most recent first, with the last message,
// unread count, typing and the peer's presence. Rows are kept and updated in place, so focus and
// hover survive the frequent re-renders that live traffic causes.

import { h, setText } from '../dom.js';
import { describeEvent, listTime } from '../format.js';
import { avatar, frameScheduler, updateAvatar } from './common.js';

export class ListView {
  constructor(store, { onOpen }) {
    this.store = store;
    this.onOpen = onOpen;
    this.selected = null;
    this.rows = new Map(); // conversationId -> row parts
    this.list = h('ul', { class: 'conv-list', attrs: { 'aria-label': 'Conversations' } });
    this.empty = h('div', { class: 'empty-list' },
      h('p', { class: 'empty-title', text: 'No conversations yet' }),
      h('p', { text: 'Start one with the + button: a direct chat with a username, or a group.' }),
    );
    // The requests folder: a link above the inbox while there are any; the list shows them instead.
    this.folder = 'inbox';
    this.requestsCount = h('span', { class: 'badge' });
    this.requestsLink = h('button', { class: 'requests-link', type: 'button', hidden: true, on: { click: () => this.showFolder('requests') } },
      h('span', { text: 'Message requests' }), this.requestsCount);
    this.folderTitle = h('div', { class: 'folder-title', hidden: true },
      h('button', { class: 'link-btn', type: 'button', text: '‹ Chats', on: { click: () => this.showFolder('inbox') } }),
      h('span', { text: 'Message requests' }));
    this.el = h('div', { class: 'conv-scroll' }, this.requestsLink, this.folderTitle, this.list, this.empty);
    this.render = frameScheduler(() => this.draw());
    store.subscribe((c) => {
      if (c.type === 'list' || c.type === 'presence' || c.type === 'profile') this.render();
    });
    this.render();
  }

  showFolder(folder) {
    this.folder = folder;
    this.render();
  }

  select(id) {
    this.selected = id;
    this.render();
  }

  draw() {
    const requests = this.store.requests();
    if (this.folder === 'requests' && requests.length === 0) this.folder = 'inbox';
    const inRequests = this.folder === 'requests';
    this.requestsLink.hidden = inRequests || requests.length === 0;
    setText(this.requestsCount, String(requests.length));
    this.folderTitle.hidden = !inRequests;
    this.list.setAttribute('aria-label', inRequests ? 'Message requests' : 'Conversations');
    const convs = inRequests ? requests : this.store.sorted();
    this.empty.hidden = convs.length > 0;
    const seen = new Set();
    let cursor = this.list.firstChild;
    for (const c of convs) {
      seen.add(c.id);
      const row = this.rows.get(c.id) ?? this.createRow(c.id);
      this.updateRow(row, c);
      if (row.li !== cursor) this.list.insertBefore(row.li, cursor);
      else cursor = cursor.nextSibling;
    }
    for (const [id, row] of this.rows) {
      if (!seen.has(id)) {
        row.li.remove();
        this.rows.delete(id);
      }
    }
  }

  createRow(id) {
    const av = avatar({ name: '' });
    const name = h('span', { class: 'conv-name' });
    const time = h('time', { class: 'conv-time' });
    const preview = h('span', { class: 'conv-preview' });
    const badge = h('span', { class: 'badge', attrs: { 'aria-label': 'unread messages' } });
    const at = h('span', { class: 'badge mention-badge', text: '@', hidden: true, attrs: { 'aria-label': 'mentions you' } });
    const button = h('button', { class: 'conv-button', type: 'button', on: { click: () => this.onOpen(id) } },
      av,
      h('span', { class: 'conv-main' },
        h('span', { class: 'conv-top' }, name, time),
        h('span', { class: 'conv-bottom' }, preview, at, badge),
      ),
    );
    const li = h('li', { class: 'conv-item', dataset: { id: String(id) } }, button);
    const row = { li, button, av, name, time, preview, badge, at };
    this.rows.set(id, row);
    return row;
  }

  updateRow(row, c) {
    const s = this.store;
    const title = s.titleOf(c);
    const online = c.peer ? !!s.presence.get(c.peer.userId)?.online : false;
    updateAvatar(row.av, { name: title, group: c.kind === 'group', online, src: c.peer ? s.avatarOf(c.peer.userId) : null });
    row.li.dataset.online = String(online);
    setText(row.name, title);
    setText(row.time, listTime(c.lastActivityAt));
    const typing = s.typingNames(c);
    row.preview.classList.toggle('typing', typing.length > 0);
    setText(row.preview, typing.length ? typingLine(c, typing) : this.previewOf(c));
    const unread = c.unread;
    row.at.hidden = !s.mentioned(c);
    row.badge.hidden = !(unread > 0);
    setText(row.badge, unread >= 999 ? '999+' : String(unread));
    row.li.classList.toggle('unread', unread > 0);
    const selected = c.id === this.selected;
    row.li.classList.toggle('selected', selected);
    if (selected) row.button.setAttribute('aria-current', 'true');
    else row.button.removeAttribute('aria-current');
  }

  previewOf(c) {
    const s = this.store;
    const pending = s.pending(c.id);
    if (pending.length) return `You: ${pending[pending.length - 1].body || 'Photo or file'}`;
    const m = c.lastMessage;
    if (!m) return c.kind === 'group' ? 'Group created' : 'Say hello';
    if (m.kind === 'text' && m.deletedAt) return 'Message deleted';
    if (m.kind === 'text' && m.body == null) return 'Message erased';
    if (m.kind !== 'text') return describeEvent(m, (id) => s.nameOf(id));
    if (!m.body && m.attachments?.length) {
      const what = m.attachments.every((a) => a.contentType?.startsWith('image/'))
        ? (m.attachments.length > 1 ? `${m.attachments.length} photos` : 'Photo')
        : (m.attachments.length > 1 ? `${m.attachments.length} files` : 'File');
      if (m.senderId === s.me) return `You: ${what}`;
      return c.kind === 'group' ? `${s.nameOf(m.senderId)}: ${what}` : what;
    }
    if (m.senderId === s.me) return `You: ${m.body}`;
    return c.kind === 'group' ? `${s.nameOf(m.senderId)}: ${m.body}` : m.body;
  }
}

/** "typing…" in a direct conversation; who, in a group. */
export function typingLine(c, names) {
  if (c.kind !== 'group') return 'typing…';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}
