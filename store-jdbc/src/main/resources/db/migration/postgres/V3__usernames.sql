-- Which user holds each username. With several shards, a user's row lives on the shard of their
-- id while the claim of their username lives on the shard of the name, so this table, not a
-- constraint on users, keeps usernames unique across shards (docs/storage.md).
CREATE TABLE usernames (
    username TEXT   PRIMARY KEY,
    user_id  BIGINT NOT NULL
);
INSERT INTO usernames (username, user_id)
    SELECT username, id FROM users WHERE username <> 'deleted-' || id;
-- Unique per database only, which is meaningless across shards; an unfinished registration
-- (a user row whose name was never claimed) must not block the name on its shard.
ALTER TABLE users DROP CONSTRAINT users_username_key;
