package dev.parley.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A listener that keeps everything it is told, for tests to assert on. Thread-safe. */
class Recorder implements ParleyListener {
    final List<ChatMessage> messages = new CopyOnWriteArrayList<>();
    final List<Receipt> receipts = new CopyOnWriteArrayList<>();
    final List<String> typing = new CopyOnWriteArrayList<>();
    final List<Presence> presence = new CopyOnWriteArrayList<>();
    final List<String> resyncs = new CopyOnWriteArrayList<>();
    final List<ConnectionState> states = new CopyOnWriteArrayList<>();
    final List<User> profiles = new CopyOnWriteArrayList<>();
    final List<Long> requests = new CopyOnWriteArrayList<>();
    volatile Thread callbackThread;
    volatile boolean callbacksOnManyThreads;

    private void onThread() {
        Thread t = Thread.currentThread();
        if (callbackThread == null) {
            callbackThread = t;
        } else if (callbackThread != t) {
            callbacksOnManyThreads = true;
        }
    }

    @Override
    public void onMessage(ChatMessage message) {
        onThread();
        messages.add(message);
    }

    @Override
    public void onReceipt(Receipt receipt) {
        onThread();
        receipts.add(receipt);
    }

    @Override
    public void onTyping(long conversationId, long userId, boolean typing) {
        onThread();
        this.typing.add(conversationId + ":" + userId + ":" + typing);
    }

    @Override
    public void onPresence(Presence p) {
        onThread();
        presence.add(p);
    }

    @Override
    public void onProfile(User user) {
        onThread();
        profiles.add(user);
    }

    @Override
    public void onRequest(long conversationId, long userId) {
        onThread();
        requests.add(conversationId);
    }

    @Override
    public void onResync(long conversationId, long latestSeq) {
        onThread();
        resyncs.add(conversationId + ":" + latestSeq);
    }

    @Override
    public void onConnectionState(ConnectionState state) {
        onThread();
        states.add(state);
    }

    List<ChatMessage> in(long conversationId) {
        List<ChatMessage> out = new ArrayList<>();
        for (ChatMessage m : messages) {
            if (m.conversationId() == conversationId) {
                out.add(m);
            }
        }
        return out;
    }

    List<Long> seqs(long conversationId) {
        return in(conversationId).stream().map(ChatMessage::seq).toList();
    }

    boolean hasReceipt(Predicate<Receipt> p) {
        return receipts.stream().anyMatch(p);
    }
}
