package dev.parley.core.message;

import dev.parley.core.ChatException;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.Membership;
import dev.parley.core.conversation.Role;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Mentions name current members of a group, within the text, apart from each other, at most 50. */
class MentionsTest {
    private static final UserId ALICE = new UserId(1);
    private static final UserId BOB = new UserId(2);
    private static final UserId STRANGER = new UserId(9);
    private static final String BODY = "hi @alice and @bob";

    private static Membership of(ConversationKind kind) {
        Map<UserId, Role> roles = new LinkedHashMap<>();
        roles.put(ALICE, Role.OWNER);
        roles.put(BOB, Role.MEMBER);
        return new Membership(new ConversationId(5), kind, roles, 1);
    }

    @Test
    void membersWithinTheTextAreKeptInTextOrder() {
        List<Mention> given = List.of(new Mention(BOB, 14, 4), new Mention(ALICE, 3, 6));
        assertThat(Mentions.require(BODY, given, of(ConversationKind.GROUP)))
                .containsExactly(new Mention(ALICE, 3, 6), new Mention(BOB, 14, 4));
    }

    @Test
    void anythingElseIsRefused() {
        Membership group = of(ConversationKind.GROUP);
        assertRefused(List.of(new Mention(STRANGER, 3, 6)), group, ChatException.Refusal.INVALID);
        assertRefused(List.of(new Mention(BOB, 14, 5)), group, ChatException.Refusal.INVALID);
        assertRefused(List.of(new Mention(BOB, -1, 2)), group, ChatException.Refusal.INVALID);
        assertRefused(List.of(new Mention(BOB, 3, 0)), group, ChatException.Refusal.INVALID);
        assertRefused(List.of(new Mention(ALICE, 3, 6), new Mention(BOB, 8, 4)), group, ChatException.Refusal.INVALID);
        assertRefused(List.of(new Mention(BOB, 14, 4)), of(ConversationKind.DIRECT), ChatException.Refusal.INVALID);
        List<Mention> many = new ArrayList<>();
        for (int i = 0; i <= Mentions.MAX; i++) {
            many.add(new Mention(BOB, 0, 1));
        }
        assertRefused(many, group, ChatException.Refusal.TOO_LARGE);
    }

    private static void assertRefused(List<Mention> mentions, Membership m, ChatException.Refusal refusal) {
        assertThatThrownBy(() -> Mentions.require(BODY, mentions, m)).as("%s", mentions)
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.refusal()).isEqualTo(refusal));
    }
}
