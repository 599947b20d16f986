package dev.parley.server.support;

import dev.parley.server.ServerConfig;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.domain.StorageType;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.filesystem.FilesystemApiMetadata;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real S3-compatible server for tests: S3Proxy, in this JVM, on a free loopback port, keeping
 * its objects as files under a directory of the test's (jclouds' {@code filesystem} store, named directly: S3Proxy also registers cloud back ends whose libraries the build leaves out). It
 * speaks the S3 REST API with AWS signatures over HTTP, as a node sees any S3 service; the test
 * looks at what is stored through jclouds directly.
 */
public final class TestObjectStore implements AutoCloseable {
    public static final String ACCESS_KEY = "parley-test";
    public static final String SECRET_KEY = "parley-test-secret";
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private final BlobStoreContext context;
    private final S3Proxy proxy;

    private TestObjectStore(BlobStoreContext context, S3Proxy proxy) {
        this.context = context;
        this.proxy = proxy;
    }

    /** Starts a server keeping its objects under {@code dir}. */
    public static TestObjectStore start(Path dir) throws Exception {
        Files.createDirectories(dir);
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dir.toString());
        BlobStoreContext context = ContextBuilder.newBuilder(new FilesystemApiMetadata()).overrides(properties)
                .credentials("unused", "unused").buildView(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder().blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                context.close();
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        return new TestObjectStore(context, proxy);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    /** A new, empty bucket. */
    public String newBucket() {
        String bucket = "parley-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
        context.getBlobStore().createContainerInLocation(null, bucket);
        return bucket;
    }

    /** The node's settings for {@code bucket} on this server. */
    public ServerConfig.ObjectStore settings(String bucket) {
        return new ServerConfig.ObjectStore(endpoint(), bucket, "us-east-1", ACCESS_KEY, SECRET_KEY, true);
    }

    /** {@code c} keeping its attachments' bytes in {@code bucket} on this server. */
    public ServerConfig storeIn(ServerConfig c, String bucket) {
        return c.withAttachments(c.attachments().withObjectStore(settings(bucket)));
    }

    /** The names of the objects in {@code bucket}. */
    public List<String> objects(String bucket) {
        BlobStore blobs = context.getBlobStore();
        List<String> names = new ArrayList<>();
        String marker = null;
        do {
            ListContainerOptions options = ListContainerOptions.Builder.recursive();
            if (marker != null) {
                options.afterMarker(marker);
            }
            var page = blobs.list(bucket, options);
            for (StorageMetadata m : page) {
                if (m.getType() == StorageType.BLOB) {
                    names.add(m.getName());
                }
            }
            marker = page.getNextMarker();
        } while (marker != null);
        return names;
    }

    /** The underlying store, for tests that age or remove objects behind the node's back. */
    public BlobStore blobs() {
        return context.getBlobStore();
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            context.close();
        }
    }
}
