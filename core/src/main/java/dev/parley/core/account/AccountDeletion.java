package dev.parley.core.account;

import dev.parley.core.ChatException;
import dev.parley.core.block.BlockDirectory;
import dev.parley.core.block.BlockStore;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.Membership;
import dev.parley.core.conversation.MembershipDirectory;
import dev.parley.core.conversation.UserConversation;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.delivery.EventPublisher;
import dev.parley.core.group.GroupService;
import dev.parley.core.message.MessageStore;
import dev.parley.core.profile.Profile;
import dev.parley.core.profile.ProfileService;
import dev.parley.core.profile.ProfileStore;
import dev.parley.core.push.PushStore;
import dev.parley.core.request.RequestStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Set;

/**
 * Deleting an account, by its owner or an administrator. In order, so that a failure part-way
 * leaves an account that is disabled and can be deleted again to finish:
 *
 * <ol>
 *   <li>the account is disabled and its connections close (4005);</li>
 *   <li>it leaves every group through the group's leave path (ownership passes on as when
 *       leaving: to the longest-standing admin, else member), so each group's history records it;</li>
 *   <li>message requests it sent or received are declined, its blocks, profile and avatar are
 *       forgotten, its push targets removed;</li>
 *   <li>under {@link Messages#ERASE} the text of everything it wrote is erased from storage;</li>
 *   <li>its username is freed and its devices revoked ({@link AccountStore#deleteAccount}); its
 *       id stays, so the entries it wrote keep a sender.</li>
 * </ol>
 *
 * <p>Its direct conversations stay, with it as a member shown as a deleted account; nobody can
 * write into them any more (UNREACHABLE). Everyone who shared a conversation with it receives its
 * profile marked deleted. Reports about it keep their copies. Blocking: run on virtual threads.
 */
public final class AccountDeletion {
    private static final Logger log = LoggerFactory.getLogger(AccountDeletion.class);

    /** What happens to a deleted account's messages (setting {@code people.deletedAccountMessages}). */
    public enum Messages {
        /** They stay in every history, under "deleted account", until the retention sweep removes them. */
        KEEP,
        /** Their text is erased from storage when the account is deleted; the entries stay without a body. */
        ERASE;

        public static Messages parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "keep" -> KEEP;
                case "erase" -> ERASE;
                default -> throw new IllegalArgumentException("must be 'keep' or 'erase', not '" + s + "'");
            };
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final AccountStore accounts;
    private final ConnectedDevices connections;
    private final ConversationStore conversations;
    private final MembershipDirectory memberships;
    private final GroupService groups;
    private final MessageStore messages;
    private final RequestStore requests;
    private final BlockStore blocks;
    private final BlockDirectory reach;
    private final ProfileStore profileStore;
    private final ProfileService profiles;
    private final PushStore pushes;
    private final EventPublisher publisher;
    private final Messages policy;

    public AccountDeletion(AccountStore accounts, ConnectedDevices connections, ConversationStore conversations,
                           MembershipDirectory memberships, GroupService groups, MessageStore messages,
                           RequestStore requests, BlockStore blocks, BlockDirectory reach, ProfileStore profileStore,
                           ProfileService profiles, PushStore pushes, EventPublisher publisher, Messages policy) {
        this.accounts = accounts;
        this.connections = connections;
        this.conversations = conversations;
        this.memberships = memberships;
        this.groups = groups;
        this.messages = messages;
        this.requests = requests;
        this.blocks = blocks;
        this.reach = reach;
        this.profileStore = profileStore;
        this.profiles = profiles;
        this.pushes = pushes;
        this.publisher = publisher;
        this.policy = policy;
    }

    public Messages policy() {
        return policy;
    }

    /** Deletes the account; {@code device} is the deleting device (null for an administrator). */
    public void delete(UserId user, DeviceId device) {
        Account account = accounts.findAccount(user).orElseThrow(() -> ChatException.notFound("user"));
        if (account.deleted()) {
            throw ChatException.notFound("user");
        }
        Set<UserId> audience = profiles.audience(user);
        accounts.setDisabled(user, true);
        connections.disconnectAll(user, ConnectedDevices.Reason.ACCOUNT_DELETED);
        int left = 0;
        for (UserConversation uc : conversations.conversationsOf(user)) {
            if (uc.leftSeq() != 0) {
                continue;
            }
            Membership m;
            try {
                m = memberships.getNow(uc.conversationId());
            } catch (ChatException gone) {
                continue;
            }
            if (m.kind() == ConversationKind.GROUP && m.isMember(user)) {
                try {
                    groups.leave(user, device, uc.conversationId());
                    left++;
                } catch (ChatException e) {
                    if (e.refusal() != ChatException.Refusal.NOT_FOUND) {
                        throw e;
                    }
                }
            }
        }
        requests.declineInvolving(user);
        blocks.removeBlocksBy(user);
        profileStore.delete(user);
        if (pushes != null) {
            pushes.removeTargets(user);
        }
        long erased = 0;
        if (policy == Messages.ERASE) {
            for (UserConversation uc : conversations.conversationsOf(user)) {
                erased += messages.eraseText(uc.conversationId(), user);
            }
        }
        if (!accounts.deleteAccount(user)) {
            throw ChatException.notFound("user");
        }
        reach.changed(user, null);
        publisher.publish(new ChatEvent.ProfileChanged(Profile.deleted(user, Account.deletedName(user))), audience);
        log.info("account deleted user={} groupsLeft={} messagesErased={}", user, left, erased);
    }
}
