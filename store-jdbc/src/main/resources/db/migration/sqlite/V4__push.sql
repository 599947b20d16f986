-- Push notifications (docs/push.md). Targets, the outbox and what was pushed live on the shard of
-- the device's user; mutes on the shard of the conversation.

-- Each device's one push target: kind webpush (address = endpoint, with p256dh and auth), fcm
-- (address = registration token), apns (address = device token) or webhook (address = URL).
CREATE TABLE push_targets (
    device_id  INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    address    TEXT    NOT NULL,
    p256dh     BLOB,
    auth       BLOB,
    updated_at INTEGER NOT NULL
);
CREATE INDEX push_targets_by_user ON push_targets (user_id);

-- Conversations a user muted: no pushes for them to any of the user's devices.
CREATE TABLE push_mutes (
    conversation_id INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    muted_at        INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
) WITHOUT ROWID;

-- Pending pushes, one per (device, conversation): seq is the newest entry to tell about. A row
-- being sent holds a lease (lease_until, lease_node) and the seq in flight (claimed_seq).
CREATE TABLE push_outbox (
    device_id       INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    due_at          INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    lease_until     INTEGER,
    lease_node      INTEGER,
    claimed_seq     INTEGER,
    PRIMARY KEY (device_id, conversation_id)
) WITHOUT ROWID;
CREATE INDEX push_outbox_due ON push_outbox (due_at);

-- The last seq pushed per (device, conversation), and when: nothing at or below it is pushed
-- again, and the next push waits for the coalescing window after last_at.
CREATE TABLE push_sent (
    device_id       INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL,
    last_seq        INTEGER NOT NULL,
    last_at         INTEGER NOT NULL,
    PRIMARY KEY (device_id, conversation_id)
) WITHOUT ROWID;
