package dev.parley.server.pull;

import dev.parley.core.delivery.ChatEvent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Receipts that moved while a pull was waiting or a stream was between reads: only the latest
 * per conversation and member is worth sending, in the order they first moved. Confined to one
 * event loop.
 */
public final class MovedReceipts {
    private final LinkedHashMap<String, ChatEvent.ReceiptMoved> latest = new LinkedHashMap<>();

    /** Keeps {@code r}, replacing an older one of the same member in the same conversation. */
    public void add(ChatEvent.ReceiptMoved r) {
        latest.put(r.conversationId().value() + ":" + r.userId().value(), r);
    }

    public int size() {
        return latest.size();
    }

    public boolean isEmpty() {
        return latest.isEmpty();
    }

    /** The receipts held, oldest first. */
    public List<ChatEvent.ReceiptMoved> list() {
        return new ArrayList<>(latest.values());
    }

    public void clear() {
        latest.clear();
    }
}
