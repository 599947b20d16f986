-- Which user holds each username: the table the stores look usernames up in and claim them
-- through, on SQLite as on PostgreSQL, where it keeps names unique across shards
-- (docs/storage.md). users.username stays UNIQUE here: SQLite is always one database.
CREATE TABLE usernames (
    username TEXT    PRIMARY KEY,
    user_id  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO usernames (username, user_id)
    SELECT username, id FROM users WHERE username <> 'deleted-' || id;
