package dev.parley.core.push;

import dev.parley.core.account.UserId;
import dev.parley.core.attachment.Attachment;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A push preview of a message that is only attachments says what they are, never their names. */
class AttachmentPreviewTest {
    private static final Attachment PHOTO = new Attachment(1, new UserId(9), "ab", 10, "image/jpeg",
            "beach-with-alice.jpg", 40, 30, 0);
    private static final Attachment FILE = new Attachment(2, new UserId(9), "cd", 10, "application/pdf",
            "divorce-papers.pdf", 0, 0, 0);

    private static Message carrying(Attachment... attachments) {
        return new Message(new ConversationId(5), 1, 0, new UserId(9), null, "c", MessageKind.TEXT, "", null, null,
                null, List.of(attachments));
    }

    @Test
    void photosAndFilesAreNamedByKindOnly() {
        assertThat(PushDispatcher.attachmentsPreview(carrying(PHOTO))).isEqualTo("Photo");
        assertThat(PushDispatcher.attachmentsPreview(carrying(FILE))).isEqualTo("File");
        assertThat(PushDispatcher.attachmentsPreview(carrying(PHOTO, PHOTO))).isEqualTo("2 photos");
        assertThat(PushDispatcher.attachmentsPreview(carrying(PHOTO, FILE))).isEqualTo("2 files");
        assertThat(PushDispatcher.attachmentsPreview(carrying())).isEmpty();
    }
}
