// Search in the sidebar: a field above the list; while it holds words, the list gives way to the
// messages that match (newest first, the matched words marked), and a hit opens its conversation
// at that message.

import { h, setText } from '../dom.js';
import { listTime } from '../format.js';

const DEBOUNCE_MS = 250;

export class SearchView {
  constructor(store, api, { onOpenAt, onActive }) {
    this.store = store;
    this.api = api;
    this.onOpenAt = onOpenAt;
    this.onActive = onActive;
    this.timer = null;
    this.asked = 0; // only the newest question's answer is shown
    this.input = h('input', { class: 'search-input', type: 'search', placeholder: 'Search messages',
      attrs: { 'aria-label': 'Search messages', autocomplete: 'off', enterkeyhint: 'search' } });
    this.input.addEventListener('input', () => this.changed());
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.clear();
    });
    this.status = h('p', { class: 'search-status' });
    this.results = h('ul', { class: 'search-results', attrs: { 'aria-label': 'Search results' } });
    this.panel = h('div', { class: 'search-panel', hidden: true }, this.status, this.results);
    this.field = h('div', { class: 'search-field' }, this.input);
  }

  clear() {
    this.input.value = '';
    this.changed();
  }

  changed() {
    clearTimeout(this.timer);
    const q = this.input.value.trim();
    const active = q.length > 0;
    this.panel.hidden = !active;
    this.onActive(active);
    if (!active) return;
    this.timer = setTimeout(() => this.ask(q), DEBOUNCE_MS);
  }

  async ask(q) {
    const asked = ++this.asked;
    setText(this.status, 'Searching…');
    let page;
    try {
      page = await this.api.search(q);
    } catch (err) {
      if (asked === this.asked) {
        setText(this.status, err.code === 'too_large' ? 'Fewer words, please (8 at most).' : 'Search is not available right now.');
        this.results.replaceChildren();
      }
      return;
    }
    if (asked !== this.asked) return;
    setText(this.status, page.hits.length ? '' : 'No messages found.');
    this.results.replaceChildren(...page.hits.map((hit) => this.row(hit)));
  }

  row(hit) {
    const c = this.store.conversation(hit.conversationId);
    const where = c ? this.store.titleOf(c) : 'Conversation';
    const who = this.store.nameOf(hit.senderId);
    return h('li', { class: 'search-hit' },
      h('button', { type: 'button', on: { click: () => this.onOpenAt(hit.conversationId, hit.seq) } },
        h('span', { class: 'hit-top' }, h('span', { class: 'hit-where', text: where }), h('span', { class: 'hit-time', text: listTime(hit.ts) })),
        h('span', { class: 'hit-snippet' }, `${who}: `, ...marked(hit.snippet, hit.highlights ?? []))));
  }
}

/** The snippet with its matched words in <mark>, as text nodes (never markup). */
function marked(text, ranges) {
  const out = [];
  let at = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (start < at || end > text.length) continue;
    out.push(text.slice(at, start), h('mark', { text: text.slice(start, end) }));
    at = end;
  }
  out.push(text.slice(at));
  return out;
}
