-- Push notifications (docs/push.md). Targets, the outbox and what was pushed live on the shard of
-- the device's user; mutes on the shard of the conversation.

-- Each device's one push target: kind webpush (address = endpoint, with p256dh and auth), fcm
-- (address = registration token), apns (address = device token) or webhook (address = URL).
CREATE TABLE push_targets (
    device_id  BIGINT  PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    kind       TEXT    NOT NULL,
    address    TEXT    NOT NULL,
    p256dh     BYTEA,
    auth       BYTEA,
    updated_at BIGINT NOT NULL
);
CREATE INDEX push_targets_by_user ON push_targets (user_id);

-- Conversations a user muted: no pushes for them to any of the user's devices.
CREATE TABLE push_mutes (
    conversation_id BIGINT NOT NULL,
    user_id         BIGINT NOT NULL,
    muted_at        BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);

-- Pending pushes, one per (device, conversation): seq is the newest entry to tell about. A row
-- being sent holds a lease (lease_until, lease_node) and the seq in flight (claimed_seq).
CREATE TABLE push_outbox (
    device_id       BIGINT NOT NULL,
    conversation_id BIGINT NOT NULL,
    user_id         BIGINT NOT NULL,
    seq             BIGINT NOT NULL,
    due_at          BIGINT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    lease_until     BIGINT,
    lease_node      INTEGER,
    claimed_seq     BIGINT,
    PRIMARY KEY (device_id, conversation_id)
);
CREATE INDEX push_outbox_due ON push_outbox (due_at);

-- The last seq pushed per (device, conversation), and when: nothing at or below it is pushed
-- again, and the next push waits for the coalescing window after last_at.
CREATE TABLE push_sent (
    device_id       BIGINT NOT NULL,
    conversation_id BIGINT NOT NULL,
    last_seq        BIGINT NOT NULL,
    last_at         BIGINT NOT NULL,
    PRIMARY KEY (device_id, conversation_id)
);
