-- Message actions (docs/storage.md). A reply or an action is an entry of the history like any
-- other; what it refers to is the seq of an earlier entry of the same conversation.

-- The seq a text message answers (NULL: none). The reply keeps no copy of the quoted text, which
-- is read from the quoted entry's current row whenever the reply is read.
ALTER TABLE messages ADD COLUMN reply_to INTEGER;
-- The seq an action entry (a reaction, an edit, a deletion) acts on (NULL: not an action).
ALTER TABLE messages ADD COLUMN target_seq INTEGER;
-- When a text message was last edited (NULL: never); its body is then the edited text.
ALTER TABLE messages ADD COLUMN edited_at INTEGER;
-- A message deleted for everyone is a tombstone: when and by whom (NULL: not deleted); its body,
-- and the bodies of its edits, are erased in the deletion's transaction.
ALTER TABLE messages ADD COLUMN deleted_at INTEGER;
ALTER TABLE messages ADD COLUMN deleted_by INTEGER;

-- Each entry's current reactions, changed in the transaction that appends the reaction's entry.
-- seq is the entry reacted to, reacted_seq the reaction_added entry that put this one there.
CREATE TABLE reactions (
    conversation_id INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    emoji           TEXT    NOT NULL,
    reacted_seq     INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq, user_id, emoji)
) WITHOUT ROWID;

-- The members a group message mentions, as "userId:offset:length,..." (NULL: none); dropped when
-- the message is edited or deleted.
ALTER TABLE messages ADD COLUMN mentions TEXT;

-- Who is mentioned where, for the conversation list's "mentions you" until read.
CREATE TABLE mentioned (
    conversation_id INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, user_id, seq)
) WITHOUT ROWID;
