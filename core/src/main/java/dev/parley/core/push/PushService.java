package dev.parley.core.push;

import dev.parley.core.ChatException;
import dev.parley.core.account.Caller;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.MembershipDirectory;

import java.time.Clock;

/**
 * The devices' side of push: registering and removing a device's target, muting conversations.
 * Blocking: run it on virtual threads.
 */
public final class PushService {
    private final PushStore store;
    private final TargetCheck check;
    private final MembershipDirectory memberships;
    private final Clock clock;

    public PushService(PushStore store, TargetCheck check, MembershipDirectory memberships, Clock clock) {
        this.store = store;
        this.check = check;
        this.memberships = memberships;
        this.clock = clock;
    }

    /** Makes {@code target} the calling device's one target, replacing any earlier one. */
    public void register(Caller caller, PushTarget target) {
        check.check(target);
        store.setTarget(caller.userId(), caller.deviceId(), target, clock.millis());
    }

    /** Removes the calling device's target; false if it had none. */
    public boolean unregister(Caller caller) {
        return store.removeTarget(caller.userId(), caller.deviceId());
    }

    /** Mutes or unmutes a conversation for the caller (all their devices); NOT_FOUND for a non-member. */
    public void setMuted(Caller caller, ConversationId conversation, boolean muted) {
        if (!memberships.getNow(conversation).isMember(caller.userId())) {
            throw ChatException.notFound("conversation");
        }
        store.setMuted(conversation, caller.userId(), muted);
    }
}
