package dev.parley.core.memory;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationEntry;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.ListCursor;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.conversation.Membership;
import dev.parley.core.conversation.Positions;
import dev.parley.core.conversation.Role;
import dev.parley.core.conversation.UserConversation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Conversations, members and positions in memory; checked by the same contract as the SQL stores. */
public final class MemoryConversationStore implements ConversationStore {
    private static final Comparator<ConversationEntry> MOST_RECENT_FIRST = Comparator
            .comparingLong((ConversationEntry e) -> e.conversation().lastActivityAt())
            .thenComparingLong(e -> e.conversation().id().value())
            .reversed();

    private final MemoryData data;

    MemoryConversationStore(MemoryData data) {
        this.data = data;
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
    public Conversation openDirect(ConversationId newId, UserId a, UserId b, long now) {
        return locked(() -> {
            ConversationId id = data.claimPair(a, b, newId);
            MemoryData.ConversationRow existing = data.conversations.get(id);
            if (existing != null) {
                return existing.snapshot();
            }
            MemoryData.ConversationRow row = new MemoryData.ConversationRow(id, ConversationKind.DIRECT, null, now);
            data.conversations.put(id, row);
            for (UserId u : List.of(a, b)) {
                data.members.computeIfAbsent(id, k -> new HashMap<>())
                        .putIfAbsent(u, new MemoryData.MemberRow(u, Role.MEMBER, 0, now));
            }
            return row.snapshot();
        });
    }

    @Override
    public Optional<Conversation> find(ConversationId id) {
        return locked(() -> Optional.ofNullable(data.conversations.get(id)).map(MemoryData.ConversationRow::snapshot));
    }

    @Override
    public Optional<Membership> membership(ConversationId id) {
        return locked(() -> {
            MemoryData.ConversationRow row = data.conversations.get(id);
            return row == null ? Optional.empty()
                    : Optional.of(new Membership(id, row.kind, data.currentRoles(id), row.membershipVersion));
        });
    }

    @Override
    public Optional<MemberState> member(ConversationId id, UserId user) {
        return locked(() -> Optional.ofNullable(data.members.getOrDefault(id, Map.of()).get(user))
                .map(MemoryData.MemberRow::snapshot));
    }

    @Override
    public List<UserConversation> conversationsOf(UserId user) {
        return locked(() -> {
            List<UserConversation> out = new ArrayList<>();
            for (Map.Entry<ConversationId, Map<UserId, MemoryData.MemberRow>> e : data.members.entrySet()) {
                MemoryData.MemberRow m = e.getValue().get(user);
                if (m != null) {
                    out.add(new UserConversation(e.getKey(), data.conversations.get(e.getKey()).lastSeq, m.leftSeq));
                }
            }
            return out;
        });
    }

    @Override
    public List<ConversationEntry> listForUser(UserId user, ListCursor after, int limit) {
        return locked(() -> {
            List<ConversationEntry> all = new ArrayList<>();
            for (Map.Entry<ConversationId, Map<UserId, MemoryData.MemberRow>> e : data.members.entrySet()) {
                MemoryData.MemberRow m = e.getValue().get(user);
                if (m == null || !m.current()) {
                    continue;
                }
                Conversation c = data.conversations.get(e.getKey()).snapshot();
                if (after != null && !(c.lastActivityAt() < after.lastActivityAt()
                        || (c.lastActivityAt() == after.lastActivityAt() && c.id().value() < after.conversationId()))) {
                    continue;
                }
                all.add(new ConversationEntry(c, m.snapshot()));
            }
            all.sort(MOST_RECENT_FIRST);
            return all.size() > limit ? new ArrayList<>(all.subList(0, limit)) : all;
        });
    }

    @Override
    public Set<UserId> contactsAmong(UserId user, Collection<UserId> others) {
        return locked(() -> {
            Set<UserId> shared = new HashSet<>();
            for (Map<UserId, MemoryData.MemberRow> rows : data.members.values()) {
                MemoryData.MemberRow self = rows.get(user);
                if (self == null || !self.current()) {
                    continue;
                }
                for (UserId other : others) {
                    MemoryData.MemberRow m = other.equals(user) ? null : rows.get(other);
                    if (m != null && m.current()) {
                        shared.add(other);
                    }
                }
            }
            return shared;
        });
    }

    @Override
    public List<MemberState> members(ConversationId id) {
        return locked(() -> data.currentMembers(id).stream().map(MemoryData.MemberRow::snapshot).toList());
    }

    @Override
    public CompletableFuture<Optional<Positions>> advancePositions(ConversationId id, UserId user, long deliveredUpTo,
                                                                  long readUpTo,
                                                                  Consumer<? super Optional<Positions>> onCommit) {
        return locked(() -> {
            Optional<Positions> moved = Optional.empty();
            MemoryData.ConversationRow row = data.conversations.get(id);
            MemoryData.MemberRow m = row == null ? null : data.members.getOrDefault(id, Map.of()).get(user);
            if (m != null && m.current()) {
                long read = Math.min(readUpTo, row.lastSeq);
                long delivered = Math.min(Math.max(deliveredUpTo, readUpTo), row.lastSeq);
                if (m.deliveredSeq < delivered || m.readSeq < read) {
                    m.deliveredSeq = Math.max(m.deliveredSeq, delivered);
                    m.readSeq = Math.max(m.readSeq, read);
                    moved = Optional.of(new Positions(id, user, m.deliveredSeq, m.readSeq));
                }
            }
            onCommit.accept(moved);
            return CompletableFuture.completedFuture(moved);
        });
    }
}
