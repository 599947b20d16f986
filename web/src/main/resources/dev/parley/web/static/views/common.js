// Pieces shared by the views.

import { h, setText } from '../dom.js';
import { hue, initials } from '../format.js';
import { icon } from '../icons.js';

/**
 * A round avatar: the user's picture when `src` is given (a URL on this node), else initials (or a
 * group icon), and an optional presence dot.
 */
export function avatar({ name, group = false, size = '', src = null }) {
  const el = h('div', { class: `avatar hue-${hue(name)} ${size}`.trim(), attrs: { 'aria-hidden': 'true' } },
    group ? icon('group') : h('span', { class: 'avatar-initials', text: initials(name) }),
    h('span', { class: 'presence-dot' }),
  );
  if (src) updateAvatar(el, { name, group, src });
  return el;
}

/** Updates an avatar made by `avatar()` in place. */
export function updateAvatar(el, { name, group = false, online = false, src = null }) {
  el.className = el.className.replace(/hue-\d/, `hue-${hue(name)}`);
  el.classList.toggle('online', online);
  const initialsEl = el.querySelector('.avatar-initials');
  if (initialsEl) setText(initialsEl, initials(name));
  if (group !== !initialsEl) el.replaceChildren(group ? icon('group') : h('span', { class: 'avatar-initials', text: initials(name) }), h('span', { class: 'presence-dot' }));
  let img = el.querySelector('img.avatar-img');
  if (src && !group) {
    if (!img) {
      img = h('img', { class: 'avatar-img', attrs: { alt: '', decoding: 'async', loading: 'lazy' } });
      el.prepend(img);
    }
    if (img.getAttribute('src') !== src) img.setAttribute('src', src);
  } else if (img) {
    img.remove();
  }
  el.classList.toggle('has-img', !!src && !group);
}

/** Runs `fn` once per animation frame however often it is asked for. */
export function frameScheduler(fn) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      fn();
    });
  };
}
