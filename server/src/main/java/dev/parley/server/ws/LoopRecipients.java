package dev.parley.server.ws;

import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * The recipients of one fan-out frame, grouped by the event loop they live on, so that each loop's
 * mailbox gets one item for all of its recipients ({@link LoopMailbox#postToAll}) rather than one
 * per recipient. A node has a few loops, so a list searched by identity is enough.
 *
 * <p>Threading: built and posted by one thread, the publishing one.
 */
final class LoopRecipients implements Consumer<ChatConnection> {
    private final ArrayList<LoopMailbox> mailboxes = new ArrayList<>(4);
    private final ArrayList<ArrayList<ChatConnection>> recipients = new ArrayList<>(4);

    @Override
    public void accept(ChatConnection connection) {
        LoopMailbox mailbox = connection.mailbox();
        for (int i = 0; i < mailboxes.size(); i++) {
            if (mailboxes.get(i) == mailbox) {
                recipients.get(i).add(connection);
                return;
            }
        }
        mailboxes.add(mailbox);
        ArrayList<ChatConnection> these = new ArrayList<>();
        these.add(connection);
        recipients.add(these);
    }

    /** Queues {@code payload} to every recipient added, in the order they were added per loop. */
    void post(Object payload) {
        for (int i = 0; i < mailboxes.size(); i++) {
            ArrayList<ChatConnection> these = recipients.get(i);
            if (these.size() == 1) {
                mailboxes.get(i).post(these.getFirst(), payload);
            } else {
                mailboxes.get(i).postToAll(these, payload);
            }
        }
    }
}
