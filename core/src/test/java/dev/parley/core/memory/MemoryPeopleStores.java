package dev.parley.core.memory;

import dev.parley.core.account.UserId;
import dev.parley.core.block.Block;
import dev.parley.core.block.BlockStore;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.Role;
import dev.parley.core.profile.AvatarImage;
import dev.parley.core.profile.ProfileFields;
import dev.parley.core.profile.ProfileStore;
import dev.parley.core.report.Report;
import dev.parley.core.report.ReportStore;
import dev.parley.core.request.MessageRequest;
import dev.parley.core.request.RequestStore;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Profiles, blocks, message requests and reports in memory, on the same data as
 * {@link MemoryStores} (a request opens a conversation there, and accepting it is an append);
 * checked by the same people contract as the SQL stores.
 */
public final class MemoryPeopleStores {
    private final MemoryData data;
    private final Map<UserId, ProfileFields> profiles = new HashMap<>();
    private final Map<UserId, AvatarImage> avatars = new HashMap<>();
    private final Map<UserId, Map<UserId, Block>> blocks = new HashMap<>();
    private final Map<Long, Report> reports = new HashMap<>();

    public final ProfileStore profiles() {
        return profileStore;
    }

    public final BlockStore blocks() {
        return blockStore;
    }

    public final RequestStore requests() {
        return requestStore;
    }

    public final ReportStore reports() {
        return reportStore;
    }

    private final ProfileStore profileStore = new Profiles();
    private final BlockStore blockStore = new Blocks();
    private final RequestStore requestStore = new Requests();
    private final ReportStore reportStore = new Reports();

    /** The people stores beside {@code stores}, sharing their data. */
    public static MemoryPeopleStores beside(MemoryStores stores) {
        return new MemoryPeopleStores(stores.data());
    }

    private MemoryPeopleStores(MemoryData data) {
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

    private final class Profiles implements ProfileStore {
        @Override
        public Map<UserId, ProfileFields> fields(Collection<UserId> users) {
            return locked(() -> {
                Map<UserId, ProfileFields> out = new HashMap<>();
                for (UserId u : users) {
                    ProfileFields f = profiles.get(u);
                    if (f != null) {
                        out.put(u, f);
                    }
                }
                return out;
            });
        }

        @Override
        public void setText(UserId user, String displayName, String status, long now) {
            locked(() -> profiles.merge(user, new ProfileFields(displayName, status, null),
                    (old, fresh) -> new ProfileFields(displayName, status, old.avatar())));
        }

        @Override
        public void setAvatar(UserId user, AvatarImage image, long now) {
            locked(() -> {
                avatars.put(user, image);
                return profiles.merge(user, new ProfileFields(null, null, image.version()),
                        (old, fresh) -> new ProfileFields(old.displayName(), old.status(), image.version()));
            });
        }

        @Override
        public boolean removeAvatar(UserId user) {
            return locked(() -> {
                boolean had = avatars.remove(user) != null;
                profiles.computeIfPresent(user, (u, old) -> new ProfileFields(old.displayName(), old.status(), null));
                return had;
            });
        }

        @Override
        public Optional<AvatarImage> avatar(UserId user, String version) {
            return locked(() -> Optional.ofNullable(avatars.get(user)).filter(a -> a.version().equals(version)));
        }

        @Override
        public void delete(UserId user) {
            locked(() -> {
                avatars.remove(user);
                return profiles.remove(user);
            });
        }
    }

    private final class Blocks implements BlockStore {
        @Override
        public boolean block(UserId blocker, UserId blocked, long now) {
            return locked(() -> blocks.computeIfAbsent(blocker, b -> new LinkedHashMap<>())
                    .putIfAbsent(blocked, new Block(blocker, blocked, now)) == null);
        }

        @Override
        public boolean unblock(UserId blocker, UserId blocked) {
            return locked(() -> blocks.getOrDefault(blocker, new HashMap<>()).remove(blocked) != null);
        }

        @Override
        public List<Block> blocksBy(UserId blocker) {
            return locked(() -> blocks.getOrDefault(blocker, Map.of()).values().stream()
                    .sorted(Comparator.comparingLong(Block::createdAt).reversed().thenComparing(Block::blocked))
                    .toList());
        }

        @Override
        public Set<UserId> blockersOf(UserId user) {
            return locked(() -> {
                Set<UserId> out = new HashSet<>();
                blocks.forEach((blocker, made) -> {
                    if (made.containsKey(user)) {
                        out.add(blocker);
                    }
                });
                return out;
            });
        }

        @Override
        public void removeBlocksBy(UserId blocker) {
            locked(() -> blocks.remove(blocker));
        }
    }

    private final class Requests implements RequestStore {
        @Override
        public Optional<ConversationId> directBetween(UserId a, UserId b) {
            return locked(() -> Optional.ofNullable(data.directPairs.get(new HashSet<>(List.of(a, b)))));
        }

        @Override
        public Conversation open(ConversationId newId, UserId requester, UserId recipient, long now) {
            return locked(() -> {
                ConversationId id = data.claimPair(requester, recipient, newId);
                MemoryData.ConversationRow existing = data.conversations.get(id);
                if (existing != null) {
                    return existing.snapshot();
                }
                MemoryData.ConversationRow row = new MemoryData.ConversationRow(id, ConversationKind.DIRECT, null, now);
                data.conversations.put(id, row);
                data.upsertMember(id, requester, Role.MEMBER, 0, now);
                data.requests.put(id, new MessageRequest(id, recipient, requester, now, false, false));
                return row.snapshot();
            });
        }

        @Override
        public Optional<MessageRequest> find(ConversationId conversation) {
            return locked(() -> Optional.ofNullable(data.requests.get(conversation)));
        }

        @Override
        public List<MessageRequest> pendingFor(UserId recipient, int limit) {
            return locked(() -> data.requests.values().stream()
                    .filter(r -> r.recipient().equals(recipient) && !r.declined())
                    .sorted(Comparator.comparingLong(MessageRequest::createdAt)
                            .thenComparingLong(r -> r.conversationId().value()).reversed())
                    .limit(limit).toList());
        }

        @Override
        public boolean decline(ConversationId conversation, UserId recipient) {
            return locked(() -> {
                MessageRequest r = data.requests.get(conversation);
                if (r == null || !r.recipient().equals(recipient) || r.declined()) {
                    return false;
                }
                data.requests.put(conversation, withDeclined(r));
                return true;
            });
        }

        @Override
        public Optional<MessageRequest> markNotified(ConversationId conversation) {
            return locked(() -> {
                MessageRequest r = data.requests.get(conversation);
                if (r == null || r.notified() || r.declined()) {
                    return Optional.empty();
                }
                MessageRequest notified = new MessageRequest(r.conversationId(), r.recipient(), r.requester(),
                        r.createdAt(), false, true);
                data.requests.put(conversation, notified);
                return Optional.of(notified);
            });
        }

        @Override
        public void declineInvolving(UserId user) {
            locked(() -> {
                data.requests.replaceAll((id, r) -> !r.declined()
                        && (r.recipient().equals(user) || r.requester().equals(user)) ? withDeclined(r) : r);
                return null;
            });
        }

        private static MessageRequest withDeclined(MessageRequest r) {
            return new MessageRequest(r.conversationId(), r.recipient(), r.requester(), r.createdAt(), true, r.notified());
        }
    }

    private final class Reports implements ReportStore {
        @Override
        public void create(Report report) {
            locked(() -> {
                if (reports.putIfAbsent(report.id(), report) != null) {
                    throw new IllegalStateException("report " + report.id() + " exists");
                }
                return null;
            });
        }

        @Override
        public Optional<Report> find(long id) {
            return locked(() -> Optional.ofNullable(reports.get(id)));
        }

        @Override
        public List<Report> list(boolean openOnly, int limit) {
            return locked(() -> reports.values().stream()
                    .filter(r -> !openOnly || r.open())
                    .sorted(Comparator.comparingLong(Report::createdAt).thenComparingLong(Report::id).reversed())
                    .limit(limit).toList());
        }

        @Override
        public boolean resolve(long id, long now) {
            return locked(() -> {
                Report r = reports.get(id);
                if (r == null || !r.open()) {
                    return false;
                }
                reports.put(id, new Report(r.id(), r.reporter(), r.subject(), r.conversationId(), r.reason(), r.note(),
                        r.createdAt(), now, r.entries()));
                return true;
            });
        }

        @Override
        public int countSince(UserId reporter, long since) {
            return locked(() -> (int) reports.values().stream()
                    .filter(r -> r.reporter().equals(reporter) && r.createdAt() >= since).count());
        }
    }
}
