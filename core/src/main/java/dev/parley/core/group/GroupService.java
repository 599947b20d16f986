package dev.parley.core.group;

import dev.parley.core.ChatException;
import dev.parley.core.Text;
import dev.parley.core.ChatException.Refusal;
import dev.parley.core.IdGenerator;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.Caller;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.MembershipDirectory;
import dev.parley.core.conversation.Role;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.delivery.EventPublisher;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.MembershipChange;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.message.MessageStore;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * Group lifecycle: create, add, remove, leave, rename, change roles. Each change is an entry in
 * the group's own history, written with the change in one transaction, so every device sees it
 * at the same seq. Role rules are enforced by the store inside that transaction. Blocking: run on
 * virtual threads.
 */
public final class GroupService {
    public static final int MAX_TITLE = 128;

    private final MessageStore messages;
    private final AccountStore accounts;
    private final MembershipDirectory memberships;
    private final EventPublisher publisher;
    private final IdGenerator ids;
    private final Clock clock;
    private final int maxGroupSize;
    private volatile java.util.function.BiConsumer<UserId, java.util.Collection<UserId>> admission = (adder, users) -> { };

    public GroupService(MessageStore messages, AccountStore accounts, MembershipDirectory memberships,
                        EventPublisher publisher, IdGenerator ids, Clock clock, int maxGroupSize) {
        this.messages = messages;
        this.accounts = accounts;
        this.memberships = memberships;
        this.publisher = publisher;
        this.ids = ids;
        this.clock = clock;
        this.maxGroupSize = maxGroupSize;
    }

    public int maxGroupSize() {
        return maxGroupSize;
    }

    /**
     * Who checks that the users a member adds (or creates a group with) may be added by them; it
     * throws to refuse (blocks: nobody is put into a group by someone they blocked).
     */
    public void admission(java.util.function.BiConsumer<UserId, java.util.Collection<UserId>> check) {
        this.admission = check;
    }

    /** Creates a group owned by the caller with the given other members; returns its first entry. */
    public Message create(Caller caller, String title, List<UserId> members) {
        String t = checkTitle(title);
        Set<UserId> others = new LinkedHashSet<>(members);
        others.remove(caller.userId());
        if (others.size() + 1 > maxGroupSize) {
            throw new ChatException(Refusal.GROUP_FULL, "a group holds at most " + maxGroupSize + " members");
        }
        requireUsers(others);
        admission.accept(caller.userId(), others);
        AppendResult.Appended created = await(messages.createGroup(new ConversationId(ids.next()), caller.userId(),
                caller.deviceId(), t, new ArrayList<>(others), clock.millis(), a -> {
                    memberships.changed(a.membership());
                    publisher.publish(new ChatEvent.MessageAdded(a.message()), a.membership().members());
                }));
        return created.message();
    }

    public Message addMembers(Caller caller, ConversationId id, List<UserId> users) {
        if (users.isEmpty()) {
            throw ChatException.invalid("name at least one user to add");
        }
        if (users.size() > maxGroupSize) {
            throw new ChatException(Refusal.GROUP_FULL, "a group holds at most " + maxGroupSize + " members");
        }
        requireUsers(new LinkedHashSet<>(users));
        admission.accept(caller.userId(), users);
        return change(caller, id, MessageKind.MEMBERS_ADDED, new MembershipChange.Add(users, Role.MEMBER, maxGroupSize));
    }

    /** Removes a member; removing oneself is leaving. */
    public Message removeMember(Caller caller, ConversationId id, UserId user) {
        if (user.equals(caller.userId())) {
            return leave(caller, id);
        }
        return change(caller, id, MessageKind.MEMBER_REMOVED, new MembershipChange.Remove(user));
    }

    public Message leave(Caller caller, ConversationId id) {
        return change(caller, id, MessageKind.MEMBER_LEFT, new MembershipChange.Leave());
    }

    /**
     * The user leaves the group as {@link #leave} does, from no device in particular (an account
     * being deleted, by its owner or an administrator). Ownership passes on as when leaving.
     */
    public Message leave(UserId user, DeviceId device, ConversationId id) {
        return change(user, device, id, MessageKind.MEMBER_LEFT, new MembershipChange.Leave());
    }

    public Message rename(Caller caller, ConversationId id, String title) {
        return change(caller, id, MessageKind.RENAMED, new MembershipChange.Rename(checkTitle(title)));
    }

    public Message setRole(Caller caller, ConversationId id, UserId user, Role role) {
        if (role == null || role == Role.OWNER) {
            throw ChatException.invalid("role must be 'admin' or 'member'");
        }
        return change(caller, id, MessageKind.ROLE_CHANGED, new MembershipChange.SetRole(user, role));
    }

    private Message change(Caller caller, ConversationId id, MessageKind kind, MembershipChange change) {
        return change(caller.userId(), caller.deviceId(), id, kind, change);
    }

    private Message change(UserId sender, DeviceId device, ConversationId id, MessageKind kind,
                           MembershipChange change) {
        AppendRequest request = AppendRequest.change(id, sender, device, kind, change, clock.millis());
        // Cache and publish on the writer thread in commit order: no entry committed after this
        // change can be routed by the membership from before it.
        AppendResult result = await(messages.append(request, committed -> {
            if (committed instanceof AppendResult.Appended a) {
                memberships.changed(a.membership());
                // Those who just left or were removed hear of it too; nothing after it.
                Set<UserId> audience = new LinkedHashSet<>(a.membership().members());
                if (kind == MessageKind.MEMBER_REMOVED || kind == MessageKind.MEMBER_LEFT) {
                    audience.add(a.message().userIds().getFirst());
                }
                publisher.publish(new ChatEvent.MessageAdded(a.message()), audience);
            }
        }));
        return switch (result) {
            case AppendResult.Appended a -> a.message();
            case AppendResult.NotMember n -> {
                memberships.invalidate(id);
                throw ChatException.notFound("conversation");
            }
            case AppendResult.Refused r -> throw new ChatException(r.refusal(), r.reason());
            case AppendResult.Duplicate d -> d.original();
            case AppendResult.ClientIdConflict c -> throw new ChatException(Refusal.CLIENT_ID_CONFLICT, "client id reused");
            case AppendResult.Unchanged u -> throw new IllegalStateException("a membership change is never unchanged");
        };
    }

    private void requireUsers(Set<UserId> users) {
        List<UserId> wanted = new ArrayList<>(users);
        if (accounts.findAccounts(wanted).size() != wanted.size()) {
            throw ChatException.notFound("user");
        }
    }

    private static String checkTitle(String title) {
        String t = title == null ? "" : title.strip();
        if (t.isEmpty() || t.length() > MAX_TITLE) {
            throw ChatException.invalid("title must be 1 to " + MAX_TITLE + " characters");
        }
        return Text.require(t, "title");
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }
}
