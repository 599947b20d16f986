-- The seq of the last entry that changed a conversation's membership or title (0: none). Lets an
-- append tell in the same transaction whether the membership its sender checked is still current.
ALTER TABLE conversations ADD COLUMN membership_version BIGINT NOT NULL DEFAULT 0;
UPDATE conversations SET membership_version = (
    SELECT coalesce(max(seq), 0) FROM messages
    WHERE messages.conversation_id = conversations.id AND messages.kind <> 'text');
