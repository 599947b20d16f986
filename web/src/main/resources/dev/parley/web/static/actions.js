// Message actions (docs/protocol.md, "Message actions"): a reaction, an edit or a deletion is an
// entry of the history naming the message it acts on (targetSeq). This client does not make them
// yet; it shows what other clients did: it applies each to the message it holds, as the protocol
// tells a client to, and never shows the action itself as a line.

/** The kinds of entries that act on an earlier message. */
export const ACTION_KINDS = new Set(['reaction_added', 'reaction_removed', 'edited', 'deleted']);

/** The target message as it is after `action` (a new object; the target itself is not changed). */
export function applyAction(target, action) {
  if (target.deletedAt) return target;
  const reactions = {};
  for (const [emoji, users] of Object.entries(target.reactions ?? {})) reactions[emoji] = [...users];
  const next = { ...target, reactions };
  switch (action.kind) {
    case 'reaction_added': {
      const users = reactions[action.body] ?? (reactions[action.body] = []);
      if (!users.includes(action.senderId)) users.push(action.senderId);
      break;
    }
    case 'reaction_removed': {
      const users = (reactions[action.body] ?? []).filter((u) => u !== action.senderId);
      if (users.length) reactions[action.body] = users; else delete reactions[action.body];
      break;
    }
    case 'edited':
      if (action.body != null) {
        next.body = action.body;
        next.editedAt = action.ts;
      }
      break;
    case 'deleted':
      next.body = null;
      next.editedAt = undefined;
      next.reactions = {};
      next.deletedAt = action.ts;
      next.deletedBy = action.senderId;
      break;
    default:
      return target;
  }
  return next;
}

/** A text message's text as shown: "Message deleted" for a tombstone, "(edited)" after an edit. */
export function shownText(e) {
  if (e.deletedAt) return 'Message deleted';
  if (e.body == null) return 'Message erased';
  return e.editedAt ? `${e.body} (edited)` : e.body;
}

/** The reactions under a message, as "👍 2  ❤️ 1" (empty when none). */
export function reactionLine(e) {
  return Object.entries(e.reactions ?? {}).map(([emoji, users]) => `${emoji} ${users.length}`).join('  ');
}

/** The line above a reply: what it answers, as that message is now. */
export function quoteLine(e, nameOf) {
  if (!e.replyTo) return '';
  const q = e.quote;
  if (!q) return 'Replying to a message no longer here';
  return `${nameOf(q.senderId)}: ${q.deleted ? 'Message deleted' : (q.excerpt ?? '')}`;
}
