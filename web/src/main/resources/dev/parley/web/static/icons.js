// Inline SVG icons, built with the DOM from constant path data (CSP allows no inline markup, and
// inline SVG takes the text colour through `currentColor`).

const SVG = 'http://www.w3.org/2000/svg';

// name: [viewBox, filled?, ...shapes]; a shape is path data, or ['circle', cx, cy, r].
const ICONS = {
  logo: ['0 0 24 24', true, 'M12 2.5c5.5 0 9.5 3.9 9.5 8.9s-4 8.9-9.5 8.9c-1.1 0-2.2-.2-3.2-.5L4 21.5l1.2-4.3C3.5 15.6 2.5 13.6 2.5 11.4 2.5 6.4 6.5 2.5 12 2.5z'],
  send: ['0 0 24 24', true, 'M3.4 20.4 21 12 3.4 3.6l-.1 6.5L15 12 3.3 13.9z'],
  back: ['0 0 24 24', false, 'M15 5l-7 7 7 7'],
  compose: ['0 0 24 24', false, 'M12 5v14', 'M5 12h14'],
  group: ['0 0 24 24', false, ['circle', 9, 8, 3.5], 'M2.5 20c0-3.6 2.9-6 6.5-6s6.5 2.4 6.5 6', ['circle', 17.2, 9, 2.6], 'M16.5 14.1c2.9.3 5 2.5 5 5.9'],
  person: ['0 0 24 24', false, ['circle', 12, 8, 4], 'M4 20.5c0-4 3.6-6.5 8-6.5s8 2.5 8 6.5'],
  logout: ['0 0 24 24', false, 'M14 4h4a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-4', 'M9 16.5 4.5 12 9 7.5', 'M4.5 12H15'],
  check: ['0 0 20 14', false, 'M3 7.5l3.5 3.5L14 3'],
  checks: ['0 0 20 14', false, 'M1.5 7.5 5 11l7.5-8', 'M9 10.3l.7.7L17.2 3'],
  clock: ['0 0 24 24', false, ['circle', 12, 12, 8.5], 'M12 7.5V12l3 2'],
  alert: ['0 0 24 24', false, ['circle', 12, 12, 9], 'M12 7.5v5.5', 'M12 16.5v.01'],
  down: ['0 0 24 24', false, 'M12 5v14', 'M6 13l6 6 6-6'],
  close: ['0 0 24 24', false, 'M6 6l12 12', 'M18 6 6 18'],
  file: ['0 0 24 24', false, 'M6 2.5h8l4.5 4.5v14.5H6z', 'M14 2.5V7h4.5'],
  clip: ['0 0 24 24', false, 'M20 11.5l-8.3 8.3a5 5 0 0 1-7.1-7.1l8.8-8.8a3.3 3.3 0 0 1 4.7 4.7l-8.8 8.8a1.7 1.7 0 0 1-2.4-2.4l8.1-8.1'],
  smile: ['0 0 24 24', false, ['circle', 12, 12, 9], 'M8.5 14.5c.9 1.3 2.1 2 3.5 2s2.6-.7 3.5-2', 'M9 9.5v.01', 'M15 9.5v.01'],
  reply: ['0 0 24 24', false, 'M9.5 6 4 11.5 9.5 17', 'M4.5 11.5H14a6 6 0 0 1 6 6V19'],
  pencil: ['0 0 24 24', false, 'M4 20l1-4.5L15.5 5a2.1 2.1 0 0 1 3 3L8 18.5z', 'M13.5 7l3 3'],
  trash: ['0 0 24 24', false, 'M4.5 7h15', 'M9.5 7V4.5h5V7', 'M6.5 7l1 12.5h9l1-12.5', 'M10 11v5', 'M14 11v5'],
  bell: ['0 0 24 24', false, 'M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 1.5h-15z', 'M10 20.5a2 2 0 0 0 4 0'],
};

/** An SVG icon; decorative (aria-hidden) unless `label` is given. */
export function icon(name, { cls = '', label = null } = {}) {
  const [viewBox, filled, ...shapes] = ICONS[name];
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', viewBox);
  svg.setAttribute('class', `icon icon-${name} ${cls}`.trim());
  svg.setAttribute('fill', filled ? 'currentColor' : 'none');
  svg.setAttribute('stroke', filled ? 'none' : 'currentColor');
  svg.setAttribute('stroke-width', '2');
  svg.setAttribute('stroke-linecap', 'round');
  svg.setAttribute('stroke-linejoin', 'round');
  if (label) {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
  } else {
    svg.setAttribute('aria-hidden', 'true');
  }
  for (const shape of shapes) {
    let el;
    if (Array.isArray(shape)) {
      el = document.createElementNS(SVG, 'circle');
      el.setAttribute('cx', shape[1]);
      el.setAttribute('cy', shape[2]);
      el.setAttribute('r', shape[3]);
    } else {
      el = document.createElementNS(SVG, 'path');
      el.setAttribute('d', shape);
    }
    svg.append(el);
  }
  return svg;
}
