package dev.parley.server.attachment;

import dev.parley.core.ChatException;
import dev.parley.core.ChatException.Refusal;
import dev.parley.core.IdGenerator;
import dev.parley.core.account.Caller;
import dev.parley.core.attachment.Attachment;
import dev.parley.core.attachment.AttachmentService;
import dev.parley.server.image.ImageDecoder;
import dev.parley.server.image.ImageFormat;
import dev.parley.server.image.ImageMetadata;
import dev.parley.server.image.Thumbnails;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Turns a received upload (a file in the blob store's {@code incoming} directory) into a stored
 * attachment: the type sniffed from the content and checked against the allow-list, an image
 * stripped of its metadata (before anything else reads it) with its dimensions and a thumbnail,
 * the SHA-256 of the bytes as stored, a retried upload answered with the first one, the quota
 * checked, the bytes stored once per SHA-256. Whatever happens, the received file is gone after.
 *
 * <p>Storing bytes and naming them in a row, and removing bytes no row names, take one lock, so
 * the sweeper never removes bytes an upload has just claimed.
 */
public final class AttachmentIntake {
    private static final Logger log = LoggerFactory.getLogger(AttachmentIntake.class);
    /** How many expired uploads one sweep removes at most. */
    static final int SWEEP_BATCH = 500;
    /**
     * Bytes stored again within this time (or the unsent expiry, if shorter) are not removed by a
     * sweep: in a cluster another node may have just claimed them for an upload (the lock below
     * covers one node only).
     */
    static final java.time.Duration BYTES_GRACE = java.time.Duration.ofMinutes(10);

    private final AttachmentService service;
    private final BlobStore blobs;
    private final Set<String> allowed;
    private final IdGenerator ids;
    private final Clock clock;
    private final ReentrantLock bytes = new ReentrantLock();
    private final UploadSlots slots = new UploadSlots();

    public AttachmentIntake(AttachmentService service, BlobStore blobs, List<String> allowed, IdGenerator ids,
                            Clock clock) {
        this.service = service;
        this.blobs = blobs;
        this.allowed = Set.copyOf(allowed);
        this.ids = ids;
        this.clock = clock;
    }

    public AttachmentService service() {
        return service;
    }

    public BlobStore blobs() {
        return blobs;
    }

    /** The uploads being received at once. */
    public UploadSlots slots() {
        return slots;
    }

    /** A new file in the incoming directory to receive an upload into. */
    public Path newIncomingFile() throws IOException {
        return Files.createTempFile(blobs.incoming(), "upload-", ".part");
    }

    /** Stores the upload received in {@code received} (which is gone afterwards) as the caller's. */
    public Attachment take(Caller caller, Path received, String name) {
        Path stripped = null;
        try {
            String type = sniff(received);
            if (!allowed.contains(type)) {
                throw new ChatException(Refusal.UNSUPPORTED_MEDIA, type.equals(FileTypes.EXECUTABLE)
                        ? "programs are not accepted as attachments" : "files of type " + type + " are not accepted here");
            }
            ImageFormat format = ImageFormat.sniff(head(received, ImageFormat.SIGNATURE_BYTES));
            Path stored = received;
            Thumbnails.Made thumb = null;
            if (format != null) {
                // The declared size first: a decompression bomb is refused before anything reads it further.
                ImageDecoder.requireSize(received.toFile(), format);
                stripped = newIncomingFile();
                int orientation = ImageMetadata.strip(format, received, stripped);
                stored = stripped;
                thumb = Thumbnails.make(stored, format, orientation);
            }
            String sha = sha256(stored);
            long size = Files.size(stored);
            Attachment copy = service.copyOf(caller.userId(), sha, name).orElse(null);
            if (copy != null) {
                return copy;
            }
            service.admit(caller.userId(), size);
            Attachment a = new Attachment(ids.next(), caller.userId(), sha, size, type, name,
                    thumb == null ? 0 : thumb.width(), thumb == null ? 0 : thumb.height(), clock.millis());
            bytes.lock();
            try {
                try {
                    blobs.put(sha, stored);
                } catch (BlobStoreFailing e) {
                    log.warn("storing an upload failed: {}", e.getMessage());
                    throw new ChatException(Refusal.UNAVAILABLE, "the attachment store is not available; retry later");
                }
                try {
                    return service.save(a, thumb == null ? null : thumb.jpeg());
                } catch (RuntimeException e) {
                    if (!service.bytesInUse(sha)) {
                        blobs.delete(sha);
                    }
                    throw e;
                }
            } finally {
                bytes.unlock();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(received);
            if (stripped != null) {
                deleteQuietly(stripped);
            }
        }
    }

    /** Removes uploads that expired unsent, and the bytes no upload names any more. */
    public int sweep() {
        List<String> unused = service.sweep(SWEEP_BATCH);
        for (String sha : unused) {
            bytes.lock();
            try {
                if (!service.bytesInUse(sha)) {
                    java.time.Duration expiry = service.limits().unsentExpiry();
                    blobs.deleteIfIdle(sha, expiry.compareTo(BYTES_GRACE) < 0 ? expiry : BYTES_GRACE);
                }
            } catch (IOException e) {
                log.warn("removing unused attachment bytes failed: {}", e.toString());
            } finally {
                bytes.unlock();
            }
        }
        return unused.size();
    }

    private static String sniff(Path file) throws IOException {
        byte[] head = head(file, FileTypes.HEAD_BYTES);
        return FileTypes.sniff(head, head.length);
    }

    private static byte[] head(Path file, int n) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[65_536];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("could not delete a received upload: {}", e.toString());
        }
    }
}
