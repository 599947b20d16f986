// Display strings: times, days, presence, history events, avatars. Pure functions of their input.

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'long' });
const shortDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const longDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' });

const DAY_MS = 86_400_000;

function startOfDay(ms) {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** How many calendar days `ms` lies before today (0 = today). */
function daysAgo(ms, now = Date.now()) {
  return Math.round((startOfDay(now) - startOfDay(ms)) / DAY_MS);
}

export function clockTime(ms) {
  return time.format(ms);
}

/** A key that changes at local midnight, for day separators. */
export function dayKey(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** "Today", "Yesterday", a weekday within the week, else the date. */
export function dayLabel(ms) {
  const ago = daysAgo(ms);
  if (ago <= 0) return 'Today';
  if (ago === 1) return 'Yesterday';
  if (ago < 7) return weekday.format(ms);
  return longDate.format(ms);
}

/** The conversation list's time column: a time today, else a short day. */
export function listTime(ms) {
  if (!ms) return '';
  const ago = daysAgo(ms);
  if (ago <= 0) return time.format(ms);
  if (ago === 1) return 'Yesterday';
  if (ago < 7) return weekday.format(ms).slice(0, 3);
  return shortDate.format(ms);
}

/** "online", "last seen today at 14:03", ... or '' when unknown. */
export function presenceText(p) {
  if (!p) return '';
  if (p.online) return 'online';
  if (!p.lastSeen) return '';
  const ago = daysAgo(p.lastSeen);
  if (ago <= 0) return `last seen today at ${time.format(p.lastSeen)}`;
  if (ago === 1) return `last seen yesterday at ${time.format(p.lastSeen)}`;
  return `last seen ${shortDate.format(p.lastSeen)}`;
}

/** Initials for avatars: of the first two words, or the first letter of a single word. */
export function initials(name) {
  const words = String(name ?? '').split(/[\s._-]+/u).filter(Boolean);
  if (words.length === 0) return '?';
  return words.slice(0, 2).map((w) => [...w][0]).join('').toUpperCase();
}

/** A stable palette slot (0 to 7) for a name, so a person keeps their colour everywhere. */
export function hue(name) {
  let x = 0;
  for (const ch of String(name ?? '')) x = (x * 31 + ch.codePointAt(0)) >>> 0;
  return x % 8;
}

// nameOf(me) is "You"; usernames are lower-case, so the capital marks exactly the caller.
function object(id, nameOf) {
  const name = nameOf(id);
  return name === 'You' ? 'you' : name;
}

function names(ids, nameOf) {
  const list = (ids ?? []).map((id) => object(id, nameOf));
  if (list.length <= 1) return list.join('');
  return `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

/** One line for a history entry that is not a text message (group created, member added...). */
export function describeEvent(e, nameOf) {
  const actor = nameOf(e.senderId);
  const ids = e.userIds ?? [];
  switch (e.kind) {
    case 'created':
      return `${actor} created the group “${e.title ?? ''}”`;
    case 'members_added':
      return `${actor} added ${names(ids, nameOf)}`;
    case 'member_removed':
      return `${actor} removed ${names(ids, nameOf)}`;
    case 'member_left':
      return ids.length > 1 ? `${nameOf(ids[0])} left; ${object(ids[1], nameOf)} now own${nameOf(ids[1]) === 'You' ? '' : 's'} the group` : `${nameOf(ids[0] ?? e.senderId)} left`;
    case 'renamed':
      return `${actor} renamed the group to “${e.title ?? ''}”`;
    case 'request_accepted':
      return `${actor} accepted the message request`;
    case 'role_changed':
      return `${actor} made ${names(ids, nameOf)} ${e.role === 'admin' ? 'an admin' : 'a member'}`;
    case 'reaction_added':
      return `${actor} reacted ${e.body ?? ''} to a message`;
    case 'reaction_removed':
      return `${actor} removed a reaction`;
    case 'edited':
      return `${actor} edited a message`;
    case 'deleted':
      return `${actor} deleted a message`;
    default:
      return `${actor} changed the conversation`;
  }
}
