package dev.parley.core.memory;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.ChatException.Refusal;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.Membership;
import dev.parley.core.conversation.Role;
import dev.parley.core.group.MembershipRules;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.MembershipChange;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.message.MessageStore;
import dev.parley.core.request.MessageRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Histories in memory; checked by the same contract as the SQL stores. An append is one step
 * under the data's lock: the commit hook runs inside it, so hooks run in commit order, and the
 * returned future is already complete.
 */
public final class MemoryMessageStore implements MessageStore {
    private final MemoryData data;
    private final MemoryActions actions;

    MemoryMessageStore(MemoryData data) {
        this.data = data;
        this.actions = new MemoryActions(data);
    }

    /** How many reactions are held, for the contract's check that retention takes them too. */
    public long reactionCount() {
        return locked(actions::count);
    }

    private <T> T locked(Supplier<T> work) {
        data.lock.lock();
        try {
            return work.get();
        } finally {
            data.lock.unlock();
        }
    }

    @Override
    public CompletableFuture<AppendResult> append(AppendRequest r, Consumer<? super AppendResult> onCommit) {
        return locked(() -> {
            AppendResult result = appendLocked(r);
            onCommit.accept(result);
            return CompletableFuture.completedFuture(result);
        });
    }

    private AppendResult appendLocked(AppendRequest r) {
        ConversationId id = r.conversationId();
        if (r.clientId() != null) {
            Long seq = data.seqByClientId.get(new MemoryData.ClientKey(id, r.senderId(), r.clientId()));
            Message original = seq == null ? null : data.messages.get(id).get(seq);
            if (original != null) {
                original = actions.current(original);
                return r.repeats(original) ? new AppendResult.Duplicate(original) : new AppendResult.ClientIdConflict(original);
            }
        }
        MemoryData.ConversationRow row = data.conversations.get(id);
        if (row == null) {
            return new AppendResult.NotMember();
        }
        if (r.change() != null) {
            return applyChange(row, r);
        }
        MemoryData.MemberRow sender = data.members.getOrDefault(id, Map.of()).get(r.senderId());
        if (sender == null || !sender.current()) {
            return new AppendResult.NotMember();
        }
        AppendResult refused = actions.check(r);
        if (refused != null) {
            return refused;
        }
        long seq = row.next(r.createdAt());
        Message m = new Message(id, seq, r.createdAt(), r.senderId(), r.senderDeviceId(), r.clientId(), r.kind(),
                r.body(), r.title(), r.userIds(), r.role(), r.replyTo(), null, r.targetSeq(), List.of(), 0, 0, null,
                r.mentions());
        data.insertMessage(m);
        actions.apply(m);
        m = actions.current(m);
        Membership current = null;
        if (r.knownMembershipVersion() >= 0 && r.knownMembershipVersion() != row.membershipVersion) {
            current = new Membership(id, row.kind, data.currentRoles(id), row.membershipVersion);
        }
        return new AppendResult.Appended(m, current);
    }

    private AppendResult applyChange(MemoryData.ConversationRow row, AppendRequest r) {
        ConversationId id = row.id;
        Map<UserId, Role> roles = data.currentRoles(id);
        if (r.change() instanceof MembershipChange.AcceptRequest) {
            return acceptRequest(row, r, roles);
        }
        MembershipRules.Apply change;
        switch (MembershipRules.decide(row.kind, roles, r.senderId(), r.change())) {
            case MembershipRules.Refuse refuse -> {
                return refuse.result();
            }
            case MembershipRules.Apply apply -> change = apply;
        }
        long seq = row.next(r.createdAt());
        row.membershipVersion = seq;
        if (change.title() != null) {
            row.title = change.title();
        }
        Map<UserId, MemoryData.MemberRow> rows = data.members.get(id);
        switch (r.change()) {
            case MembershipChange.Add add -> change.subjects()
                    .forEach(u -> data.upsertMember(id, u, add.role(), seq, r.createdAt()));
            case MembershipChange.Remove rm -> rows.get(rm.user()).leftSeq = seq;
            case MembershipChange.Leave leave -> {
                rows.get(r.senderId()).leftSeq = seq;
                if (change.successor() != null) {
                    rows.get(change.successor()).role = Role.OWNER;
                }
            }
            case MembershipChange.Rename rename -> {
            }
            case MembershipChange.AcceptRequest accept -> throw new IllegalStateException("handled above");
            case MembershipChange.SetRole set -> rows.get(set.user()).role = set.role();
        }
        Message m = new Message(id, seq, r.createdAt(), r.senderId(), r.senderDeviceId(), r.clientId(), r.kind(),
                null, change.title(), change.subjects(), change.subjectRole());
        data.insertMessage(m);
        return new AppendResult.Appended(m, new Membership(id, row.kind, change.roles(), seq));
    }

    private AppendResult acceptRequest(MemoryData.ConversationRow row, AppendRequest r, Map<UserId, Role> roles) {
        if (roles.containsKey(r.senderId())) {
            return new AppendResult.Refused(Refusal.CONFLICT, "already a member of this conversation");
        }
        MessageRequest request = data.requests.get(row.id);
        if (row.kind != ConversationKind.DIRECT || request == null || !request.recipient().equals(r.senderId())) {
            return new AppendResult.NotMember();
        }
        long seq = row.next(r.createdAt());
        row.membershipVersion = seq;
        data.upsertMember(row.id, r.senderId(), Role.MEMBER, 0, r.createdAt());
        data.requests.remove(row.id);
        roles.put(r.senderId(), Role.MEMBER);
        Message m = new Message(row.id, seq, r.createdAt(), r.senderId(), r.senderDeviceId(), null, r.kind(), null, null,
                List.of(r.senderId()), null);
        data.insertMessage(m);
        return new AppendResult.Appended(m, new Membership(row.id, row.kind, roles, seq));
    }

    @Override
    public CompletableFuture<AppendResult.Appended> createGroup(ConversationId id, UserId owner, DeviceId ownerDevice,
                                                               String title, List<UserId> members, long now,
                                                               Consumer<? super AppendResult.Appended> onCommit) {
        return locked(() -> {
            if (data.conversations.containsKey(id)) {
                return CompletableFuture.failedFuture(new IllegalStateException("conversation " + id + " exists"));
            }
            MemoryData.ConversationRow row = new MemoryData.ConversationRow(id, ConversationKind.GROUP, title, now);
            row.lastSeq = 1;
            row.membershipVersion = 1;
            data.conversations.put(id, row);
            Map<UserId, Role> roles = MembershipRules.newGroup(owner, members);
            roles.forEach((u, role) -> data.upsertMember(id, u, role, 1, now));
            Message m = new Message(id, 1, now, owner, ownerDevice, null, MessageKind.CREATED, null, title,
                    new ArrayList<>(roles.keySet()), null);
            data.insertMessage(m);
            AppendResult.Appended created = new AppendResult.Appended(m,
                    new Membership(id, ConversationKind.GROUP, roles, 1));
            onCommit.accept(created);
            return CompletableFuture.completedFuture(created);
        });
    }

    @Override
    public long deleteOlderThan(long cutoffMillis) {
        return locked(() -> {
            long deleted = 0;
            for (Map.Entry<ConversationId, TreeMap<Long, Message>> conversation : data.messages.entrySet()) {
                TreeMap<Long, Message> history = conversation.getValue();
                long upTo = 0;
                for (Message m : history.values()) {
                    if (m.createdAt() < cutoffMillis) {
                        upTo = m.seq();
                    }
                }
                NavigableMap<Long, Message> old = history.headMap(upTo, true);
                for (Message m : old.values()) {
                    if (m.clientId() != null) {
                        data.seqByClientId.remove(new MemoryData.ClientKey(m.conversationId(), m.senderId(), m.clientId()));
                    }
                }
                deleted += old.size();
                old.clear();
                actions.deleteUpTo(conversation.getKey(), upTo);
            }
            return deleted;
        });
    }

    @Override
    public List<Message> range(ConversationId id, long afterSeq, long upToSeq, int limit) {
        return locked(() -> {
            TreeMap<Long, Message> history = data.messages.get(id);
            if (history == null || upToSeq <= afterSeq) {
                return List.of();
            }
            return history.subMap(afterSeq, false, upToSeq, true).values().stream().limit(limit)
                    .map(actions::current).toList();
        });
    }

    @Override
    public int countUnread(ConversationId id, UserId reader, long afterSeq, long upToSeq, int cap) {
        return locked(() -> (int) range(id, afterSeq, upToSeq, Integer.MAX_VALUE).stream()
                .filter(m -> m.kind() == MessageKind.TEXT && !m.senderId().equals(reader))
                .limit(cap).count());
    }

    @Override
    public boolean mentions(ConversationId id, UserId user, long afterSeq, long upToSeq) {
        return locked(() -> range(id, afterSeq, upToSeq, Integer.MAX_VALUE).stream()
                .anyMatch(m -> m.mentions().stream().anyMatch(x -> x.userId().equals(user))));
    }

    @Override
    public List<Message> before(ConversationId id, long beforeSeq, long upToSeq, int limit) {
        return locked(() -> {
            TreeMap<Long, Message> history = data.messages.get(id);
            long below = Math.min(beforeSeq - 1, upToSeq);
            if (history == null || below < 1) {
                return List.of();
            }
            List<Message> page = new ArrayList<>(history.headMap(below, true).descendingMap().values().stream()
                    .limit(limit).map(actions::current).toList());
            return page.reversed();
        });
    }

    @Override
    public long eraseText(ConversationId conversation, UserId sender) {
        return locked(() -> {
            TreeMap<Long, Message> history = data.messages.get(conversation);
            if (history == null) {
                return 0L;
            }
            long erased = 0;
            for (Map.Entry<Long, Message> e : history.entrySet()) {
                Message m = e.getValue();
                if (m.senderId().equals(sender) && (m.kind() == MessageKind.TEXT || m.kind() == MessageKind.EDITED)
                        && m.body() != null) {
                    e.setValue(new Message(m.conversationId(), m.seq(), m.createdAt(), m.senderId(), m.senderDeviceId(),
                            m.clientId(), m.kind(), null, m.title(), m.userIds(), m.role(), m.replyTo(), null,
                            m.targetSeq(), List.of(), m.editedAt(), m.deletedAt(), m.deletedBy(), m.mentions()));
                    erased++;
                }
            }
            return erased;
        });
    }
}
