package dev.parley.core.push;

import dev.parley.core.account.Account;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends push notifications off the message path: committed entries go into a bounded in-memory
 * intake, a thread turns them into outbox rows ({@link PushStore#enqueue}), and a worker sends
 * what is due through the {@link PushGateway}, one virtual thread per send.
 *
 * <p>Intake: {@link #committed} is called on the store's writer thread and only touches memory.
 * The intake holds at most one entry per conversation (a newer entry replaces the older one in
 * place: they coalesce) and at most {@code queueCapacity} conversations; past that the oldest
 * entry is dropped and counted ({@link Event#DROPPED}). So a burst never grows the node's memory,
 * and the confirmation of a send never waits for any of this.
 *
 * <p>Sending: a row is claimed before it is sent and settled after (see {@link PushStore} for why
 * that never pushes one (device, seq) twice). Just before sending, the dispatcher checks again
 * that the device is still offline, the conversation not muted, the target still there and the
 * member still has something unread (reading on another device cancels the push); the unread
 * count and the preview are read then, so a coalesced push carries the latest. A push that the
 * service refuses for now is retried with exponential backoff (or after its Retry-After), at
 * most {@code maxAttempts} times; a target the service reports gone is removed at once.
 *
 * <p>Restart: the outbox is durable; at start the dispatcher resolves the claims it left in flight
 * and the worker picks up every due row. In a cluster every node's worker polls every shard's
 * outbox, and claims keep two nodes from sending one row.
 */
public final class PushDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PushDispatcher.class);
    private static final int UNREAD_CAP = 999;
    private static final int BATCH = 256;

    /** What the dispatcher counts, for metrics. */
    public enum Event { DELIVERED, RETRIED, GONE, FAILED, DROPPED, SKIPPED }

    /** Tuning. {@code node} tells this node's claims from others'. */
    public record Settings(PushContent content, Duration coalesceWindow, int queueCapacity, int maxAttempts,
                           int previewChars, Duration lease, Duration pollInterval, Duration maxBackoff,
                           int concurrency, int node) {
        public Settings {
            if (queueCapacity < 1 || maxAttempts < 1 || concurrency < 1 || previewChars < 0) {
                throw new IllegalArgumentException("queueCapacity, maxAttempts and concurrency must be positive");
            }
        }
    }

    private final PushStore store;
    private final PushPolicy policy;
    private final PushGateway gateway;
    private final MessageStore messages;
    private final ConversationStore conversations;
    private final AccountStore accounts;
    private final Clock clock;
    private final Settings settings;
    private final java.util.function.Consumer<Event> observer;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition intakeReady = lock.newCondition();
    private final Condition workReady = lock.newCondition();
    /** Entries waiting to become outbox rows, one per conversation, oldest first. */
    private final LinkedHashMap<ConversationId, Intake> intake = new LinkedHashMap<>();
    private boolean workSignalled;
    private volatile boolean accepting;
    private volatile boolean running;
    private int processing;

    private final Set<PushKey> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sending = new AtomicInteger();
    private final Semaphore permits;
    private final ExecutorService senders = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("parley-push-send-", 0).factory());
    /** Whether a user is the recipient of a pending message request in a conversation (its notice may go). */
    private volatile java.util.function.BiPredicate<ConversationId, UserId> pendingRequest = (c, u) -> false;
    private Thread intakeThread;
    private Thread workerThread;

    private record Intake(Message message, Collection<UserId> audience) {
    }

    public PushDispatcher(PushStore store, PushPolicy policy, PushGateway gateway, MessageStore messages,
                          ConversationStore conversations, AccountStore accounts, Clock clock, Settings settings,
                          java.util.function.Consumer<Event> observer) {
        this.store = store;
        this.policy = policy;
        this.gateway = gateway;
        this.messages = messages;
        this.conversations = conversations;
        this.accounts = accounts;
        this.clock = clock;
        this.settings = settings;
        this.observer = observer;
        this.permits = new Semaphore(settings.concurrency());
    }

    /** Resolves what a previous run left in flight, then starts the intake and the worker. */
    public void start() {
        int abandoned = store.resolveAbandoned(settings.node(), clock.millis());
        if (abandoned > 0) {
            log.info("{} pushes were in flight when this node stopped; counted as sent", abandoned);
        }
        running = true;
        accepting = true;
        intakeThread = Thread.ofPlatform().name("parley-push-intake").daemon(true).start(this::intakeLoop);
        workerThread = Thread.ofPlatform().name("parley-push").daemon(true).start(this::workLoop);
    }

    /**
     * A committed entry and who may see it. Called on the store's writer thread: only memory is
     * touched, never blocks.
     */
    public void committed(Message message, Collection<UserId> audience) {
        if (!accepting || !policy.mayPush(message, audience)) {
            return;
        }
        boolean dropped = false;
        lock.lock();
        try {
            Intake existing = intake.get(message.conversationId());
            if (existing != null) {
                if (existing.message().seq() < message.seq()) {
                    intake.put(message.conversationId(), new Intake(message, audience)); // keeps its place
                }
            } else {
                if (intake.size() >= settings.queueCapacity()) {
                    Iterator<ConversationId> oldest = intake.keySet().iterator();
                    oldest.next();
                    oldest.remove();
                    dropped = true;
                }
                intake.put(message.conversationId(), new Intake(message, audience));
            }
            intakeReady.signal();
        } finally {
            lock.unlock();
        }
        if (dropped) {
            observer.accept(Event.DROPPED);
        }
    }

    /** Who tells whether a user is the pending recipient of a message request in a conversation. */
    public void pendingRequests(java.util.function.BiPredicate<ConversationId, UserId> pending) {
        this.pendingRequest = pending;
    }

    /**
     * The first message of a message request arrived: its recipient's devices that are not
     * connected get one quiet notice (no sender, no text), through the outbox like any push. Only
     * this once: the recipient is not a member, so the request's messages push nobody.
     * Blocking (store writes); call from a virtual thread.
     */
    public void requestReceived(ConversationId conversation, UserId recipient, long seq) {
        if (!accepting) {
            return;
        }
        try {
            Map<PushKey, Long> keys = policy.requestNotice(recipient, conversation, seq);
            if (!keys.isEmpty()) {
                store.enqueue(keys, clock.millis(), settings.coalesceWindow().toMillis());
                wake();
            }
        } catch (RuntimeException e) {
            log.warn("message request notice for conversation {} could not be queued: {}", conversation, e.toString());
            observer.accept(Event.FAILED);
        }
    }

    /** Entries waiting in the intake. */
    public int queued() {
        lock.lock();
        try {
            return intake.size();
        } finally {
            lock.unlock();
        }
    }

    /** True when nothing is waiting in the intake, being turned into rows, or being sent (for tests and shutdown). */
    public boolean idle() {
        lock.lock();
        try {
            return intake.isEmpty() && processing == 0 && sending.get() == 0;
        } finally {
            lock.unlock();
        }
    }

    /** Asks the worker to look at the outbox now (after an enqueue elsewhere, for instance). */
    public void wake() {
        lock.lock();
        try {
            workSignalled = true;
            workReady.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Runs until closed, and on close until the intake is empty (its entries become durable rows). */
    private void intakeLoop() {
        while (true) {
            Intake next;
            lock.lock();
            try {
                while (running && intake.isEmpty()) {
                    intakeReady.await();
                }
                if (intake.isEmpty()) {
                    return;
                }
                Iterator<Map.Entry<ConversationId, Intake>> it = intake.entrySet().iterator();
                next = it.next().getValue();
                it.remove();
                processing++;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                Map<PushKey, Long> keys = policy.recipients(next.message(), next.audience());
                if (!keys.isEmpty()) {
                    store.enqueue(keys, clock.millis(), settings.coalesceWindow().toMillis());
                    wake();
                }
            } catch (RuntimeException e) {
                log.warn("pushes for conversation {} seq {} could not be queued: {}",
                        next.message().conversationId(), next.message().seq(), e.toString());
                observer.accept(Event.FAILED);
            } finally {
                lock.lock();
                try {
                    processing--;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void workLoop() {
        while (running) {
            long waitMs = settings.pollInterval().toMillis();
            try {
                long now = clock.millis();
                for (PendingPush row : store.due(now, BATCH)) {
                    if (!running) {
                        return;
                    }
                    if (inFlight.add(row.key())) {
                        permits.acquire();
                        sending.incrementAndGet();
                        senders.execute(() -> attempt(row.key()));
                    }
                }
                OptionalLong next = store.nextDue();
                if (next.isPresent()) {
                    waitMs = Math.max(1, Math.min(waitMs, next.getAsLong() - clock.millis()));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("reading the push outbox failed: {}", e.toString());
            }
            lock.lock();
            try {
                if (!workSignalled && running) {
                    workReady.await(waitMs, TimeUnit.MILLISECONDS);
                }
                workSignalled = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    private void attempt(PushKey key) {
        try {
            long now = clock.millis();
            Optional<PendingPush> claimed = store.claim(key, now, now + settings.lease().toMillis(), settings.node());
            if (claimed.isEmpty()) {
                return;
            }
            PendingPush row = claimed.get();
            PushNotification n = notification(row);
            if (n == null) {
                store.settle(key, row.seq(), PushStore.Settlement.DROPPED, clock.millis(), clock.millis());
                observer.accept(Event.SKIPPED);
                return;
            }
            PushOutcome outcome;
            try {
                outcome = gateway.send(n);
            } catch (RuntimeException e) {
                log.warn("push gateway failed: {}", e.toString());
                outcome = PushOutcome.retry(null, e.toString());
            }
            if (!running && outcome instanceof PushOutcome.Retry) {
                // Closing interrupts sends still under way: the service may have taken this one.
                // Left claimed, the next start counts it as sent (at most once); settled as a
                // retry it would be sent again after the restart.
                return;
            }
            settle(row, n, outcome);
        } catch (RuntimeException e) {
            log.warn("push to device {} failed: {}", key.device(), e.toString());
        } finally {
            inFlight.remove(key);
            sending.decrementAndGet();
            permits.release();
            wake();
        }
    }

    private void settle(PendingPush row, PushNotification n, PushOutcome outcome) {
        long now = clock.millis();
        PushKey key = row.key();
        switch (outcome) {
            case PushOutcome.Delivered d -> {
                store.settle(key, row.seq(), PushStore.Settlement.PUSHED, now, now + settings.coalesceWindow().toMillis());
                observer.accept(Event.DELIVERED);
            }
            case PushOutcome.Retry r -> {
                if (row.attempts() >= settings.maxAttempts()) {
                    log.info("push to device {} given up after {} attempts: {}", key.device(), row.attempts(), r.reason());
                    store.settle(key, row.seq(), PushStore.Settlement.DROPPED, now, now);
                    observer.accept(Event.FAILED);
                } else {
                    long backoff = backoff(row.attempts());
                    long after = r.after() == null ? backoff : Math.max(r.after().toMillis(), 0);
                    store.settle(key, row.seq(), PushStore.Settlement.RETRY, now, now + after);
                    observer.accept(Event.RETRIED);
                }
            }
            case PushOutcome.Gone g -> {
                log.info("push target of device {} is gone ({}); removed", key.device(), g.reason());
                if (store.target(key.user(), key.device()).map(n.target()::equals).orElse(false)) {
                    store.removeTarget(key.user(), key.device());
                } else {
                    store.settle(key, row.seq(), PushStore.Settlement.DROPPED, now, now);
                }
                observer.accept(Event.GONE);
            }
            case PushOutcome.Failed f -> {
                log.info("push to device {} refused: {}", key.device(), f.reason());
                store.settle(key, row.seq(), PushStore.Settlement.DROPPED, now, now);
                observer.accept(Event.FAILED);
            }
        }
    }

    /** Exponential from 1 s, capped, each wait randomised between half and all of it. */
    private long backoff(int attempts) {
        long full = Math.min(settings.maxBackoff().toMillis(), 1000L << Math.min(20, Math.max(0, attempts - 1)));
        return full / 2 + ThreadLocalRandom.current().nextLong(full / 2 + 1);
    }

    /** The notification for a claimed row, or null when it should not be sent any more. */
    private PushNotification notification(PendingPush row) {
        PushKey key = row.key();
        Optional<PushTarget> target = store.target(key.user(), key.device());
        if (target.isEmpty()) {
            return null;
        }
        Optional<MemberState> member = conversations.member(key.conversation(), key.user());
        boolean mentioned = member.isPresent() && member.get().current()
                && messages.mentions(key.conversation(), key.user(), member.get().readSeq(), row.seq());
        if (!policy.stillWanted(key, mentioned)) {
            return null;
        }
        if (member.isEmpty() && pendingRequest.test(key.conversation(), key.user())) {
            return PushNotification.requestNotice(key.user(), key.device(), target.get(), key.conversation(), row.seq());
        }
        if (member.isEmpty() || !member.get().current()) {
            return null;
        }
        int unread = messages.countUnread(key.conversation(), key.user(), member.get().readSeq(), row.seq(), UNREAD_CAP);
        if (unread == 0) {
            return null;
        }
        String sender = null;
        String preview = null;
        if (settings.content() == PushContent.PREVIEW) {
            List<Message> latest = messages.range(key.conversation(), row.seq() - 1, row.seq(), 1);
            if (!latest.isEmpty() && latest.getFirst().body() != null) {
                Message m = latest.getFirst();
                sender = accounts.findAccount(m.senderId()).map(Account::username).orElse(null);
                preview = shorten(m.body().isEmpty() ? attachmentsPreview(m) : m.body(), settings.previewChars());
            }
        }
        return new PushNotification(key.user(), key.device(), target.get(), key.conversation(), row.seq(), unread,
                sender, preview);
    }

    /**
     * What a preview says of a message that is only attachments: "Photo" or "File" (never a file
     * name, which can say more than the sender meant to show on a lock screen).
     */
    static String attachmentsPreview(Message m) {
        if (m.attachments().isEmpty()) {
            return "";
        }
        boolean photos = m.attachments().stream().allMatch(dev.parley.core.attachment.Attachment::image);
        int n = m.attachments().size();
        return n == 1 ? (photos ? "Photo" : "File") : n + (photos ? " photos" : " files");
    }

    /** At most {@code max} code points, with an ellipsis when cut. */
    static String shorten(String text, int max) {
        if (text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, Math.max(0, max - 1))) + "\u2026";
    }

    /**
     * Stops taking entries and sending. What is in the intake is written to the outbox first (so it
     * is sent after the restart), and sends in flight get up to {@code grace} to finish and be
     * settled; a claim left unsettled is resolved as sent at the next start.
     */
    public void close(Duration grace) {
        if (!running) {
            return;
        }
        accepting = false;
        running = false;
        lock.lock();
        try {
            intakeReady.signalAll();
            workReady.signalAll();
        } finally {
            lock.unlock();
        }
        join(intakeThread, grace);
        join(workerThread, grace);
        long deadline = System.nanoTime() + grace.toNanos();
        while (sending.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        senders.shutdownNow();
        List<ConversationId> lost;
        lock.lock();
        try {
            lost = new ArrayList<>(intake.keySet());
            intake.clear();
        } finally {
            lock.unlock();
        }
        if (!lost.isEmpty()) {
            log.info("{} conversations' pushes were still in the intake at shutdown and are not sent", lost.size());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    private static void join(Thread t, Duration grace) {
        if (t == null) {
            return;
        }
        try {
            t.join(grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
