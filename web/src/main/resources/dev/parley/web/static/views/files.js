// Attachments in the chat: photos drawn at their own aspect ratio before they load (a thumbnail
// first, then the picture), files as chips with name, size and a download, and a full-size viewer.
// The bytes are fetched with the token (an <img src> cannot send it) and shown from blob: URLs,
// kept for the page's life so a redraw does not fetch again.

import { h } from '../dom.js';
import { icon } from '../icons.js';

const MAX_PHOTO_PX = 280;

export class AttachmentView {
  constructor(api) {
    this.api = api;
    this.urls = new Map(); // `${id}:${part}` -> Promise<string>
    this.viewerImg = null; // made when a photo is opened: the page holds no <img> it does not show
    this.viewerName = h('span', { class: 'viewer-name' });
    this.viewer = h('div', { class: 'viewer', hidden: true, attrs: { role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Photo' },
      on: { click: (e) => { if (e.target === this.viewer) this.close(); } } },
    h('div', { class: 'viewer-bar' }, this.viewerName,
      h('button', { class: 'icon-btn viewer-close', type: 'button', attrs: { 'aria-label': 'Close' }, on: { click: () => this.close() } },
        icon('close'))));
    document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !this.viewer.hidden) this.close(); });
  }

  url(id, part) {
    const key = `${id}:${part}`;
    let p = this.urls.get(key);
    if (!p) {
      p = this.api.attachment(id, part).then((blob) => URL.createObjectURL(blob));
      p.catch(() => this.urls.delete(key)); // a later redraw tries again
      this.urls.set(key, p);
    }
    return p;
  }

  /** The elements for a message's attachments. */
  render(attachments) {
    return attachments.map((a) => (isImage(a) ? this.photo(a) : this.file(a)));
  }

  photo(a) {
    const img = h('img', { class: 'photo-img', attrs: { alt: a.name ?? 'Photo' } });
    const btn = h('button', { class: 'photo', type: 'button', title: a.name, attrs: { 'aria-label': `Photo ${a.name ?? ''}`.trim() },
      on: { click: () => this.open(a) } }, img);
    // The placeholder has the picture's size before a byte of it arrives (CSSOM, which the CSP allows).
    if (a.width && a.height) {
      const scale = Math.min(1, MAX_PHOTO_PX / Math.max(a.width, a.height));
      btn.style.width = `${Math.round(a.width * scale)}px`;
      btn.style.aspectRatio = `${a.width} / ${a.height}`;
    }
    this.url(a.id, 'thumbnail').then((u) => { if (!img.src) img.src = u; }).catch(() => {});
    this.url(a.id, 'content').then((u) => { img.src = u; btn.classList.add('loaded'); }).catch(() => btn.classList.add('failed'));
    return btn;
  }

  file(a) {
    const btn = h('button', { class: 'file-chip', type: 'button', title: `Download ${a.name}`,
      attrs: { 'aria-label': `Download ${a.name}, ${size(a.size)}` },
      on: { click: () => this.download(a) } },
    icon('file'),
    h('span', { class: 'file-lines' }, h('span', { class: 'file-name', text: a.name ?? 'file' }),
      h('span', { class: 'file-size', text: size(a.size) })));
    return btn;
  }

  async download(a) {
    const url = await this.url(a.id, 'content');
    const link = h('a', { href: url, download: a.name ?? 'file', hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
  }

  async open(a) {
    this.viewerName.textContent = a.name ?? '';
    this.viewerImg?.remove();
    this.viewerImg = h('img', { class: 'viewer-img', attrs: { alt: a.name ?? '' } });
    this.viewer.append(this.viewerImg);
    this.viewer.hidden = false;
    const img = this.viewerImg;
    img.src = await this.url(a.id, 'content');
  }

  close() {
    this.viewer.hidden = true;
    this.viewerImg?.remove();
    this.viewerImg = null;
  }
}

export function isImage(a) {
  return typeof a.contentType === 'string' && a.contentType.startsWith('image/');
}

/** "1.4 MB", "820 KB", "12 bytes". */
export function size(n) {
  if (n == null) return '';
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
