package dev.parley.server.ws;

import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * The recipients of one fan-out frame, grouped by the event loop they live on, so that each loop's
 * mailbox gets one item for all of its recipients ({@link LoopMailbox#postToAll}) rather than one
 * per recipient. A node has a few loops, so a list searched by identity is enough.
 *
 * <p>A one-to-one message has two connections (the sender's and the recipient's): up to two
 * connections are held in two fields, each posted as an item of its own (two on one loop are two
 * items, in the order added, rather than one item and a list), and the lists are made only past
 * that. The lists were ~3% of what a node allocated per message (issue 19). Either way each loop
 * gets its recipients in the order they were added.
 *
 * <p>Threading: built and posted by one thread, the publishing one.
 */
final class LoopRecipients implements Consumer<ChatConnection> {
    /** The first two connections, while the lists are not made. */
    private ChatConnection first;
    private ChatConnection second;
    private ArrayList<LoopMailbox> mailboxes;
    private ArrayList<ArrayList<ChatConnection>> recipients;

    @Override
    public void accept(ChatConnection connection) {
        if (mailboxes == null) {
            if (first == null) {
                first = connection;
                return;
            }
            if (second == null) {
                second = connection;
                return;
            }
            mailboxes = new ArrayList<>(4);
            recipients = new ArrayList<>(4);
            group(first);
            if (second != null) {
                group(second);
            }
            first = null;
            second = null;
        }
        group(connection);
    }

    private void group(ChatConnection connection) {
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
        if (mailboxes == null) {
            if (first != null) {
                first.mailbox().post(first, payload);
            }
            if (second != null) {
                second.mailbox().post(second, payload);
            }
            return;
        }
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
