package dev.parley.cluster;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.message.Quote;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Entries cross between nodes whole, replies with their quote included. */
class EventCodecTest {
    private static final Message REPLY = new Message(new ConversationId(7), 43, 1_795_000_310_000L, new UserId(3),
            new DeviceId(4), "c-1", MessageKind.TEXT, "yes!", null, null, null, 42,
            new Quote(42, new UserId(1), MessageKind.TEXT, "are you coming tonight?"));

    @Test
    void aReplyCrossesWithItsQuote() {
        byte[] bytes = EventCodec.encode(new ChatEvent.MessageAdded(REPLY));
        assertThat(EventCodec.decode(bytes, 0, bytes.length)).isEqualTo(new ChatEvent.MessageAdded(REPLY));
    }

    @Test
    void aReplyWhoseQuotedEntryIsGoneCrossesWithoutAQuote() {
        Message gone = new Message(REPLY.conversationId(), REPLY.seq(), REPLY.createdAt(), REPLY.senderId(),
                REPLY.senderDeviceId(), REPLY.clientId(), REPLY.kind(), REPLY.body(), null, null, null, 42, null);
        byte[] bytes = EventCodec.encode(new ChatEvent.MessageAdded(gone));
        assertThat(EventCodec.decode(bytes, 0, bytes.length)).isEqualTo(new ChatEvent.MessageAdded(gone));
    }

    @Test
    void anEntryFromANodeThatPredatesRepliesIsReadAsAPlainMessage() {
        Message plain = new Message(REPLY.conversationId(), REPLY.seq(), REPLY.createdAt(), REPLY.senderId(),
                REPLY.senderDeviceId(), REPLY.clientId(), REPLY.kind(), REPLY.body(), null, null, null);
        byte[] bytes = EventCodec.encode(new ChatEvent.MessageAdded(plain));
        // An older node wrote everything up to the role byte and nothing after it.
        byte[] older = Arrays.copyOf(bytes, bytes.length - 5 * Long.BYTES - 2 - 2 * Integer.BYTES);
        assertThat(EventCodec.decode(older, 0, older.length)).isEqualTo(new ChatEvent.MessageAdded(plain));
    }
}
