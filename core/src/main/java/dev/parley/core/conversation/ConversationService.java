package dev.parley.core.conversation;

import dev.parley.core.ChatException;
import dev.parley.core.IdGenerator;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.Caller;
import dev.parley.core.account.UserId;

import java.time.Clock;

/**
 * Opening and reading conversations. Blocking: run on virtual threads.
 */
public final class ConversationService {
    private final ConversationStore store;
    private final AccountStore accounts;
    private final MembershipDirectory memberships;
    private final IdGenerator ids;
    private final Clock clock;

    public ConversationService(ConversationStore store, AccountStore accounts, MembershipDirectory memberships,
                               IdGenerator ids, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.memberships = memberships;
        this.ids = ids;
        this.clock = clock;
    }

    /** The direct conversation between the caller and the peer, created on first use. */
    public Conversation openDirect(Caller caller, UserId peer) {
        if (peer.equals(caller.userId())) {
            throw ChatException.invalid("a direct conversation needs another user");
        }
        if (accounts.findAccount(peer).isEmpty()) {
            throw ChatException.notFound("user");
        }
        return store.openDirect(new ConversationId(ids.next()), caller.userId(), peer, clock.millis());
    }

    /** The conversation with its members; NOT_FOUND unless the caller is a current member. */
    public ConversationView view(Caller caller, ConversationId id) {
        memberships.requireMemberNow(caller.userId(), id);
        Conversation c = store.find(id).orElseThrow(() -> ChatException.notFound("conversation"));
        return new ConversationView(c, store.members(id));
    }
}
