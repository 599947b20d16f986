package dev.parley.server.attachment;

import dev.parley.server.ServerConfig;
import dev.parley.server.StartRefused;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Blobs as objects in an S3-compatible store, for nodes of a cluster that do not share a file
 * system: object {@code ab/cd/<sha256>} in the configured bucket (the layout of
 * {@link DirectoryBlobStore}, so {@code aws s3 sync} moves a directory store into a bucket or
 * back). An upload is still received into a local {@code incoming} directory; it is sent with
 * its length known, streamed from that file, and S3 makes an object visible whole or not at all,
 * so a crash never leaves half a blob under its name. Reads ask for the byte range they need.
 *
 * <p>Storing bytes that are already there copies the object onto itself with fresh metadata,
 * which renews its {@code Last-Modified}: {@link #deleteIfIdle} reads that, as the directory
 * store reads a file's time, so a node sweeping unused bytes spares bytes another node has just
 * claimed again. {@link #problem} says whether the last call to the store failed (kept current by
 * {@link #check}, which the node runs on a timer), for {@code /health/ready}.
 */
public final class S3BlobStore implements BlobStore {
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
    /** The object a node writes and removes at start, to learn that it may. */
    static final String PROBE_PREFIX = "parley-start-check/";

    private final S3Client client;
    private final String bucket;
    private final String where;
    private final Path incoming;
    private final AtomicReference<String> problem = new AtomicReference<>();

    private S3BlobStore(S3Client client, ServerConfig.ObjectStore config, Path incoming) {
        this.client = client;
        this.bucket = config.bucket();
        this.where = "bucket " + config.bucket() + (config.endpoint() == null ? " (AWS S3, " + config.region() + ")"
                : " at " + config.endpoint());
        this.incoming = incoming;
    }

    /**
     * Connects to the store, checks that the bucket is there and that this node may write and
     * remove objects in it, and empties the node's incoming directory under {@code localRoot};
     * or refuses to start, saying what is wrong.
     */
    public static S3BlobStore open(ServerConfig.ObjectStore config, Path localRoot, String node) throws IOException {
        Path incoming = IncomingFiles.emptied(localRoot.resolve("incoming").resolve(node));
        S3Client client = client(config);
        S3BlobStore store = new S3BlobStore(client, config, incoming);
        try {
            store.startCheck(node);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return store;
    }

    private static S3Client client(ServerConfig.ObjectStore config) {
        // The default chain is left to the SDK, which then also closes it with the client.
        AwsCredentialsProvider credentials = config.accessKey() == null ? null
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey(), config.secretKey()));
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(64)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30)))
                .region(Region.of(config.region()))
                .forcePathStyle(config.pathStyle())
                // Checksums only where S3 requires them: many S3-compatible stores refuse the
                // newer trailing checksums the SDK would otherwise add to every upload.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (credentials != null) {
            b.credentialsProvider(credentials);
        }
        if (config.endpoint() != null) {
            b.endpointOverride(URI.create(config.endpoint()));
        }
        return b.build();
    }

    private void startCheck(String node) {
        try {
            client.headBucket(r -> r.bucket(bucket));
            String probe = PROBE_PREFIX + node;
            client.putObject(r -> r.bucket(bucket).key(probe), RequestBody.fromString(node));
            client.deleteObject(r -> r.bucket(bucket).key(probe));
        } catch (S3Exception e) {
            throw new StartRefused("attachments: the object store refused " + where + " (" + e.statusCode() + " "
                    + errorCode(e) + "): " + switch (e.statusCode()) {
                        case 301, 307, 400 -> "the bucket may be in another region than attachments.s3Region,"
                                + " or the store needs attachments.s3PathStyle: true";
                        case 403 -> "check attachments.s3AccessKey and attachments.s3SecretKey, and that the key may"
                                + " read, write and delete objects in the bucket";
                        case 404 -> "the bucket does not exist; create it first";
                        default -> "check the attachments.s3* settings";
                    }, e);
        } catch (SdkClientException e) {
            throw new StartRefused("attachments: cannot reach the object store for " + where + ": " + e.getMessage()
                    + "; check attachments.s3Endpoint and that the store is running", e);
        }
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "error"
                : e.awsErrorDetails().errorCode();
    }

    /** The object's name for blob {@code key}. */
    static String objectName(String key) {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not a blob key");
        }
        return key.substring(0, 2) + "/" + key.substring(2, 4) + "/" + key;
    }

    @Override
    public void put(String key, Path source) throws IOException {
        String name = objectName(key);
        try {
            if (head(name).isPresent() && renew(name)) {
                return;
            }
            long size = Files.size(source);
            call(() -> client.putObject(r -> r.bucket(bucket).key(name).contentLength(size)
                    .contentType("application/octet-stream"), RequestBody.fromFile(source)));
        } finally {
            Files.deleteIfExists(source);
        }
    }

    /**
     * Renews the object's {@code Last-Modified} by copying it onto itself with new metadata;
     * false when it was removed in between (by another node's sweep), so the caller stores it.
     */
    private boolean renew(String name) throws IOException {
        try {
            call(() -> client.copyObject(r -> r.sourceBucket(bucket).sourceKey(name).destinationBucket(bucket)
                    .destinationKey(name).metadataDirective(MetadataDirective.REPLACE).contentType("application/octet-stream")
                    .metadata(Map.of("parley-stored-at", Long.toString(System.currentTimeMillis())))));
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public boolean contains(String key) throws IOException {
        return head(objectName(key)).isPresent();
    }

    private Optional<HeadObjectResponse> head(String name) throws IOException {
        try {
            return Optional.of(call(() -> client.headObject(r -> r.bucket(bucket).key(name))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public InputStream open(String key, long offset) throws IOException {
        return get(objectName(key), offset == 0 ? null : "bytes=" + offset + "-");
    }

    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
        if (length <= 0) {
            return InputStream.nullInputStream();
        }
        return get(objectName(key), "bytes=" + offset + "-" + (offset + length - 1));
    }

    private InputStream get(String name, String range) throws IOException {
        ResponseInputStream<GetObjectResponse> in = call(() -> client.getObject(r -> r.bucket(bucket).key(name)
                .range(range)));
        return new ObjectStream(in);
    }

    @Override
    public boolean deleteIfIdle(String key, Duration idle) throws IOException {
        String name = objectName(key);
        Optional<HeadObjectResponse> head = head(name);
        if (head.isEmpty()) {
            return false;
        }
        Instant touched = head.get().lastModified();
        if (touched != null && touched.isAfter(Instant.now().minus(idle))) {
            return false;
        }
        call(() -> client.deleteObject(r -> r.bucket(bucket).key(name)));
        return true;
    }

    @Override
    public void delete(String key) throws IOException {
        String name = objectName(key);
        call(() -> client.deleteObject(r -> r.bucket(bucket).key(name)));
    }

    @Override
    public Path incoming() {
        return incoming;
    }

    /** Asks the store whether the bucket is there, so {@link #problem} says how it is now. */
    public void check() {
        try {
            call(() -> client.headBucket(r -> r.bucket(bucket)));
        } catch (IOException e) {
            // recorded as the problem
        }
    }

    @Override
    public Optional<String> problem() {
        return Optional.ofNullable(problem.get());
    }

    @Override
    public void close() {
        client.close();
    }

    private interface Call<T> {
        T run();
    }

    /**
     * Runs one call to the store: a missing object becomes {@link NoSuchFileException}; a store
     * that cannot be reached, or answers with an error of its own, {@link BlobStoreFailing}, and
     * the store's problem until a call succeeds again.
     */
    private <T> T call(Call<T> c) throws IOException {
        try {
            T result = c.run();
            problem.set(null);
            return result;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                problem.set(null);
                throw new NoSuchFileException(where + ": no such object");
            }
            throw failed(e.statusCode() + " " + errorCode(e), e);
        } catch (SdkException e) {
            throw failed(e.getMessage(), e);
        }
    }

    private BlobStoreFailing failed(String what, SdkException e) {
        String since = problem.get();
        if (since == null) {
            problem.set("attachment store failing since " + Instant.now() + ": " + where + ": " + what);
        }
        return new BlobStoreFailing("object store " + where + ": " + what, e);
    }

    /**
     * An object's bytes; closed before its end, the download is aborted (not read to the end, as
     * the HTTP client would to reuse the connection: a reader that gives up needs no more bytes).
     */
    private static final class ObjectStream extends FilterInputStream {
        private final ResponseInputStream<GetObjectResponse> response;
        private boolean ended;

        ObjectStream(ResponseInputStream<GetObjectResponse> response) {
            super(response);
            this.response = response;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            ended |= n < 0;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                response.abort();
            }
            super.close();
        }
    }
}
