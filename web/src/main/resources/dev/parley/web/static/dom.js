// Element builders. Every string becomes a text node or an attribute value, never markup: the
// client has no innerHTML anywhere (StaticFilesTest checks), so names, titles and message bodies
// cannot inject HTML however they are written.

/**
 * Creates an element. `props` may hold `class`, `text`, `dataset`, `attrs`, `on` (event
 * listeners) and any plain DOM property (`type`, `value`, `disabled`...). Children are nodes,
 * strings (as text), or null/false (skipped).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'attrs') for (const [a, v] of Object.entries(value)) el.setAttribute(a, v);
    else if (key === 'on') for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    else el[key] = value;
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Sets text only when it changed, so screen readers and selection are not disturbed needlessly. */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** Toggles an element's `hidden` state. */
export function show(el, visible) {
  el.hidden = !visible;
}
