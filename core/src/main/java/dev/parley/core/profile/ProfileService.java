package dev.parley.core.profile;

import dev.parley.core.ChatException;
import dev.parley.core.account.Account;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.Caller;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.MembershipDirectory;
import dev.parley.core.conversation.UserConversation;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.delivery.EventPublisher;
import dev.parley.core.limit.TokenBucket;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Profiles: what users show each other (display name, status line, avatar), and telling the
 * users who share a conversation with someone when it changes. Blocking: run on virtual threads.
 *
 * <p>A change reaches, as a {@code profile} event, the devices of every current member of every
 * conversation the user belongs to, and the user's own devices. Working that audience out reads
 * each of the user's conversations, so changes are rate limited per user
 * ({@value #CHANGES_BURST} at once, then one per {@value #SECONDS_PER_CHANGE} seconds).
 */
public final class ProfileService {
    static final int CHANGES_BURST = 10;
    static final int SECONDS_PER_CHANGE = 30;
    private static final int MAX_RATE_ENTRIES = 50_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ProfileStore store;
    private final AccountStore accounts;
    private final ConversationStore conversations;
    private final MembershipDirectory memberships;
    private final EventPublisher publisher;
    private final Clock clock;
    private final Map<UserId, TokenBucket> allowances = new ConcurrentHashMap<>();

    public ProfileService(ProfileStore store, AccountStore accounts, ConversationStore conversations,
                          MembershipDirectory memberships, EventPublisher publisher, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.conversations = conversations;
        this.memberships = memberships;
        this.publisher = publisher;
        this.clock = clock;
    }

    public Profile profile(UserId user) {
        List<Profile> found = profiles(List.of(user));
        if (found.isEmpty()) {
            throw ChatException.notFound("user");
        }
        return found.getFirst();
    }

    /** The profiles of these users, in the order given; unknown ids are left out. */
    public List<Profile> profiles(Collection<UserId> users) {
        List<UserId> ids = new ArrayList<>(new LinkedHashSet<>(users));
        List<Account> found = accounts.findAccounts(ids);
        Map<UserId, ProfileFields> fields = found.isEmpty() ? Map.of() : store.fields(ids);
        List<Profile> out = new ArrayList<>(found.size());
        for (Account a : found) {
            out.add(of(a, fields.getOrDefault(a.id(), ProfileFields.NONE)));
        }
        return out;
    }

    /** The profiles of these users by id (for views that show several people). */
    public Map<UserId, Profile> byId(Collection<UserId> users) {
        Map<UserId, Profile> out = new HashMap<>();
        for (Profile p : profiles(users)) {
            out.put(p.userId(), p);
        }
        return out;
    }

    static Profile of(Account a, ProfileFields f) {
        if (a.deleted()) {
            return Profile.deleted(a.id(), a.username());
        }
        return new Profile(a.id(), a.username(), f.displayName() == null ? a.username() : f.displayName(), f.status(),
                f.avatar(), false, a.bot());
    }

    /**
     * Changes the caller's display name and status line. A field given as null is left as it is;
     * an empty string clears it (the display name then shows the username).
     */
    public Profile update(Caller caller, String displayName, String status) {
        String name = displayName == null ? null : DisplayNames.displayName(displayName);
        String line = status == null ? null : DisplayNames.status(status);
        take(caller.userId());
        ProfileFields now = store.fields(List.of(caller.userId())).getOrDefault(caller.userId(), ProfileFields.NONE);
        store.setText(caller.userId(), displayName == null ? now.displayName() : name,
                status == null ? now.status() : line, clock.millis());
        return announce(caller.userId());
    }

    /** Makes {@code image} (already re-encoded and small) the caller's avatar, under a new version. */
    public Profile setAvatar(Caller caller, String contentType, byte[] image) {
        take(caller.userId());
        byte[] token = new byte[12];
        RANDOM.nextBytes(token);
        String version = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        store.setAvatar(caller.userId(), new AvatarImage(version, contentType, image), clock.millis());
        return announce(caller.userId());
    }

    public Profile removeAvatar(Caller caller) {
        take(caller.userId());
        store.removeAvatar(caller.userId());
        return announce(caller.userId());
    }

    /** The avatar at this version; NOT_FOUND for an old or unknown one. */
    public AvatarImage avatar(UserId user, String version) {
        if (version == null || version.length() > 64) {
            throw ChatException.notFound("avatar");
        }
        return store.avatar(user, version).orElseThrow(() -> ChatException.notFound("avatar"));
    }

    /** Tells everyone who shares a conversation with the user (and the user's devices) the current profile. */
    public Profile announce(UserId user) {
        Profile p = profile(user);
        publisher.publish(new ChatEvent.ProfileChanged(p), audience(user));
        return p;
    }

    /** The user and every current member of each conversation they belong to. */
    public Set<UserId> audience(UserId user) {
        Set<UserId> audience = new LinkedHashSet<>();
        audience.add(user);
        for (UserConversation uc : conversations.conversationsOf(user)) {
            if (uc.leftSeq() == 0) {
                try {
                    audience.addAll(memberships.getNow(uc.conversationId()).members());
                } catch (ChatException gone) {
                    // A conversation removed meanwhile: nobody there to tell.
                }
            }
        }
        return audience;
    }

    private void take(UserId user) {
        if (allowances.size() > MAX_RATE_ENTRIES) {
            allowances.clear();
        }
        long now = System.nanoTime();
        TokenBucket bucket = allowances.computeIfAbsent(user, u -> TokenBucket.perWindow(CHANGES_BURST,
                CHANGES_BURST * SECONDS_PER_CHANGE * 1_000_000_000L, now));
        long wait;
        synchronized (bucket) {
            wait = bucket.tryTake(now);
        }
        if (wait > 0) {
            // With when to retry, as every 429 that knows it (docs/protocol.md: Retry-After, retryAfterMs).
            throw new ChatException(ChatException.Refusal.RATE_LIMITED, "profile changed too often; try again in "
                    + Math.max(1, wait / 1_000_000_000L) + " s", java.time.Duration.ofNanos(wait));
        }
    }
}
