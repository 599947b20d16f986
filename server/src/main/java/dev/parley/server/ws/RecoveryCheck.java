package dev.parley.server.ws;

import dev.parley.core.account.Account;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.Device;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.MembershipDirectory;
import dev.parley.core.conversation.UserConversation;
import dev.parley.protocol.CloseCode;
import dev.parley.server.Blocking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Re-reads from the database what a node may have missed while events between nodes were lost
 * (its link to Redis, or another node's, was down): cached memberships are dropped; then, for
 * every user connected here, a disabled account or a revoked device has its sockets closed (the
 * notice that should have closed them may never have arrived), and each conversation's last seq
 * is handed to the user's connections, which fill what they lack from the store.
 *
 * <p>One read per user for the account, one for the devices and one for the conversations, one
 * user after another on a virtual thread: a rare, bounded pass. Requests while a pass runs are
 * merged into one more pass after it.
 */
public final class RecoveryCheck {
    private static final Logger log = LoggerFactory.getLogger(RecoveryCheck.class);

    private final LocalConnections connections;
    private final ConversationStore conversations;
    private final AccountStore accounts;
    private final MembershipDirectory memberships;
    /** 0 idle, 1 running, 2 running with another pass asked for. */
    private final AtomicInteger state = new AtomicInteger();

    public RecoveryCheck(LocalConnections connections, ConversationStore conversations, AccountStore accounts,
                         MembershipDirectory memberships) {
        this.connections = connections;
        this.conversations = conversations;
        this.accounts = accounts;
        this.memberships = memberships;
    }

    /** Asks for a pass; returns at once. */
    public void run() {
        if (state.getAndUpdate(s -> Math.min(2, s + 1)) == 0) {
            Blocking.executor().execute(this::passes);
        }
    }

    private void passes() {
        do {
            try {
                pass();
            } catch (RuntimeException e) {
                log.warn("checking connected users after a cluster link loss failed: {}", e.toString());
            }
        } while (state.decrementAndGet() > 0);
    }

    private void pass() {
        long started = System.nanoTime();
        memberships.invalidateAll();
        int users = 0;
        int conversationsChecked = 0;
        for (UserId user : connections.users()) {
            users++;
            if (!stillAllowed(user)) {
                continue;
            }
            for (UserConversation uc : conversations.conversationsOf(user)) {
                long cid = uc.conversationId().value();
                long upTo = uc.visibleUpTo();
                connections.forEachOf(user, c -> c.postTask(() -> c.tailCheck(cid, upTo)));
                conversationsChecked++;
            }
        }
        log.info("checked {} connected users and {} of their conversations against the database in {} ms", users,
                conversationsChecked, (System.nanoTime() - started) / 1_000_000);
    }

    /** Closes the user's connections that should have been closed; true if any may stay. */
    private boolean stillAllowed(UserId user) {
        // Connections first, devices second: every device with a connection in the snapshot was
        // created before the read, so one missing from it was revoked (not created meanwhile).
        List<ChatConnection> open = new ArrayList<>();
        connections.forEachOf(user, open::add);
        Optional<Account> account = accounts.findAccount(user);
        if (account.isEmpty() || account.get().disabled()) {
            open.forEach(c -> c.closeFromAnyThread(CloseCode.ACCOUNT_DISABLED));
            return false;
        }
        Set<DeviceId> devices = new HashSet<>();
        for (Device d : accounts.listDevices(user)) {
            devices.add(d.id());
        }
        for (ChatConnection c : open) {
            if (!devices.contains(c.caller().deviceId())) {
                c.closeFromAnyThread(CloseCode.LOGGED_OUT);
            }
        }
        return true;
    }
}
