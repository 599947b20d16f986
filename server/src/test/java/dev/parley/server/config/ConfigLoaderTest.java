package dev.parley.server.config;

import dev.parley.server.ServerConfig;
import dev.parley.store.Durability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    private static final Path EXAMPLES = Path.of("..", "config");

    @Test
    void everyExampleConfigurationLoads() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            examples = files.filter(p -> p.getFileName().toString().startsWith("example-")).sorted().toList();
        }
        assertThat(examples).extracting(p -> p.getFileName().toString())
                .contains("example-single-node.yaml", "example-cluster.yaml");
        for (Path example : examples) {
            ServerConfig c = ConfigLoader.load(example, Map.of("PARLEY_PG_PASSWORD", "from-env",
                    "PARLEY_CLUSTER_DIR", "/srv/cluster", "PARLEY_CLUSTER_NODE_NUMBER", "2"));
            assertThat(c.host()).as(example.toString()).isNotBlank();
        }
    }

    @Test
    void theShippedHaproxyConfigurationIsValid() throws Exception {
        Path haproxy = Path.of("/usr/sbin/haproxy");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(haproxy),
                "haproxy is not installed (apt-get install haproxy); config/haproxy.cfg not checked");
        Process p = new ProcessBuilder(haproxy.toString(), "-c", "-f", EXAMPLES.resolve("haproxy.cfg").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("Configuration file is valid");
    }

    @Test
    void theSingleNodeExampleSpellsOutTheDefaults() {
        ServerConfig c = ConfigLoader.load(EXAMPLES.resolve("example-single-node.yaml"), Map.of());
        ServerConfig d = ServerConfig.defaults();
        assertThat(c.limits()).isEqualTo(d.limits());
        assertThat(c.timing()).isEqualTo(d.timing());
        assertThat(c.passwords()).isEqualTo(d.passwords());
        assertThat(c.accounts()).isEqualTo(d.accounts());
        assertThat(c.admin()).isEqualTo(d.admin());
        assertThat(c.messages()).isEqualTo(d.messages());
        assertThat(c.storage().durability()).isEqualTo(Durability.FSYNC);
        assertThat(c.attachments()).isEqualTo(d.attachments());
    }

    @Test
    void attachmentSettingsComeFromTheFileAndTheEnvironmentAndAreChecked() throws IOException {
        Path file = Files.createTempFile("parley-attachments", ".yaml");
        try {
            Files.writeString(file, "attachments:\n  maxBytes: 2MiB\n  unsentExpiry: 2h\n"
                    + "  allowedTypes: [image/png, application/x-executable]\n");
            ServerConfig c = ConfigLoader.load(file, Map.of("PARLEY_ATTACHMENTS_QUOTA_BYTES", "3GiB"));
            assertThat(c.attachments().maxBytes()).isEqualTo(2L * 1024 * 1024);
            assertThat(c.attachments().quotaBytes()).isEqualTo(3L * 1024 * 1024 * 1024);
            assertThat(c.attachments().unsentExpiry()).isEqualTo(java.time.Duration.ofHours(2));
            assertThat(c.attachments().allowedTypes()).containsExactly("image/png", "application/x-executable");
            Files.writeString(file, "attachments:\n  maxBytes: 2MiB\n  quotaBytes: 1MiB\n");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                    .hasMessageContaining("attachments.quotaBytes");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void anObjectStoreForAttachmentsIsReadWithItsSecretFromTheEnvironmentAndChecked(@TempDir Path dir) throws IOException {
        assertThat(ServerConfig.defaults().attachments().objectStore()).as("local by default").isNull();
        ServerConfig c = ConfigLoader.load(write(dir, "attachments:\n  store: s3\n  s3Endpoint: http://127.0.0.1:9000\n"
                + "  s3Bucket: parley-files\n  s3AccessKey: parley\n  s3SecretKey: ${env:S3_SECRET}\n  s3PathStyle: true\n"),
                Map.of("S3_SECRET", "very-secret"));
        ServerConfig.ObjectStore s3 = c.attachments().objectStore();
        assertThat(s3).isEqualTo(new ServerConfig.ObjectStore("http://127.0.0.1:9000", "parley-files", "us-east-1",
                "parley", "very-secret", true));
        assertThat(s3.toString()).doesNotContain("very-secret");
        assertThat(ConfigLoader.load(null, Map.of("PARLEY_ATTACHMENTS_STORE", "s3", "PARLEY_ATTACHMENTS_S3_BUCKET",
                "from-env", "PARLEY_ATTACHMENTS_S3_REGION", "eu-west-3")).attachments().objectStore())
                .isEqualTo(new ServerConfig.ObjectStore(null, "from-env", "eu-west-3", null, null, false));
        assertFails(dir, "attachments:\n  store: s3\n", "attachments.s3Bucket");
        assertFails(dir, "attachments:\n  store: s3\n  s3Bucket: Not_A_Bucket\n", "attachments.s3Bucket");
        assertFails(dir, "attachments:\n  store: s3\n  s3Bucket: b-1\n  s3Endpoint: minio:9000\n",
                "attachments.s3Endpoint");
        assertFails(dir, "attachments:\n  store: s3\n  s3Bucket: b-1\n  s3AccessKey: only-half\n",
                "attachments.s3AccessKey");
        assertFails(dir, "attachments:\n  s3Bucket: b-1\n", "attachments.s3Bucket: set, but attachments.store is local");
        assertFails(dir, "attachments:\n  store: nfs\n", "attachments.store: must be local or s3");
    }

    @Test
    void theEditWindowIsFifteenMinutesUnlessSetAndZeroTurnsEditingOff(@TempDir Path dir) throws IOException {
        assertThat(ServerConfig.defaults().messages().editWindow()).isEqualTo(Duration.ofMinutes(15));
        assertThat(ConfigLoader.load(write(dir, "messages:\n  editWindow: 1h\n"), Map.of()).messages().editWindow())
                .isEqualTo(Duration.ofHours(1));
        assertThat(ConfigLoader.load(null, Map.of("PARLEY_MESSAGES_EDIT_WINDOW", "0")).messages().editWindow())
                .isZero();
        assertFails(dir, "messages:\n  editWindow: -1m\n", "messages.editWindow");
    }

    @Test
    void theClusterExampleKeepsEverythingUnderTheClustersFolder() {
        ServerConfig c = ConfigLoader.load(EXAMPLES.resolve("example-cluster.yaml"), Map.of("PARLEY_PG_PASSWORD", "x",
                "PARLEY_CLUSTER_DIR", "/srv/cluster", "PARLEY_CLUSTER_NODE_NUMBER", "2"));
        Path cluster = Path.of("/srv/cluster");
        assertThat(c.cluster().nodeNumber()).isEqualTo(2);
        assertThat(c.dataDir()).isEqualTo(cluster.resolve("node2"));
        assertThat(c.push().vapidKeyFile(c.dataDir())).isEqualTo(cluster.resolve("vapid.json"));
        assertThat(c.push().fcmServiceAccountFile()).isNull();
        assertThat(c.attachments().directory(c.dataDir())).isEqualTo(cluster.resolve("attachments"));
    }

    @Test
    void theClusterExampleTakesItsSecretFromTheEnvironment() {
        ServerConfig c = ConfigLoader.load(EXAMPLES.resolve("example-cluster.yaml"), Map.of("PARLEY_PG_PASSWORD", "s3cret",
                "PARLEY_CLUSTER_DIR", "/srv/cluster", "PARLEY_CLUSTER_NODE_NUMBER", "1"));
        assertThat(c.storage().type()).isEqualTo(ServerConfig.StorageType.POSTGRES);
        assertThat(c.storage().postgresUrls()).hasSize(2);
        assertThat(c.storage().postgresPassword()).isEqualTo("s3cret");
        assertThat(c.cluster().type()).isEqualTo(ServerConfig.ClusterType.REDIS);
        assertThat(c.storage().toString()).doesNotContain("s3cret");
    }

    @Test
    void aMissingSecretIsAnErrorNamingTheSetting() {
        assertThatThrownBy(() -> ConfigLoader.load(EXAMPLES.resolve("example-cluster.yaml"),
                Map.of("PARLEY_CLUSTER_DIR", "/srv/cluster", "PARLEY_CLUSTER_NODE_NUMBER", "1")))
                .hasMessageContaining("storage.postgresPassword").hasMessageContaining("PARLEY_PG_PASSWORD");
    }

    @Test
    void noFileGivesTheDefaults() {
        assertThat(ConfigLoader.load(null, Map.of())).isEqualTo(ServerConfig.defaults());
    }

    @Test
    void environmentVariablesOverrideTheFile(@TempDir Path dir) throws IOException {
        Path f = write(dir, "server:\n  port: 9000\nlimits:\n  maxBodyBytes: 4KiB\n");
        ServerConfig c = ConfigLoader.load(f, Map.of("PARLEY_SERVER_PORT", "9100", "PARLEY_TIMING_HEARTBEAT", "10s",
                "PARLEY_STORAGE_DATA_DIR", "/var/lib/parley"));
        assertThat(c.port()).isEqualTo(9100);
        assertThat(c.limits().maxBodyBytes()).isEqualTo(4096);
        assertThat(c.timing().heartbeat()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/parley"));
    }

    @Test
    void secretsCanComeFromAFile(@TempDir Path dir) throws IOException {
        Path secret = write(dir, "from-a-file\n");
        Path f = write(dir, "storage:\n  postgresPassword: ${file:" + secret + "}\n");
        assertThat(ConfigLoader.load(f, Map.of()).storage().postgresPassword()).isEqualTo("from-a-file");
    }

    @Test
    void badSettingsFailWithTheirName(@TempDir Path dir) throws IOException {
        assertFails(dir, "server:\n  port: 70000\n", "server.port");
        assertFails(dir, "limits:\n  maxBodyBytes: lots\n", "limits.maxBodyBytes");
        assertFails(dir, "limits:\n  maxBodyByte: 10\n", "limits.maxBodyByte: unknown setting");
        assertFails(dir, "storage:\n  durability: sometimes\n", "storage.durability");
        assertFails(dir, "timing:\n  heartbeat: soon\n", "timing.heartbeat");
        assertFails(dir, "storage:\n  type: postgres\n", "storage.postgresUrls");
        assertFails(dir, "cluster:\n  type: redis\n", "cluster.redisUri");
        assertFails(dir, "metrics:\n  enabled: true\n", "metrics: unknown section");
        assertFails(dir, "server: [1, 2]\n", "server: must be a mapping");
        assertFails(dir, "server:\n  host: [a\n", "not valid YAML");
    }

    @Test
    void theBudgetBeforeAuthFollowsTheFrameLimitUnlessSet(@TempDir Path dir) throws IOException {
        ServerConfig c = ConfigLoader.load(write(dir, "limits:\n  maxFrameBytes: 128KiB\n"), Map.of());
        assertThat(c.limits().preAuthBytes()).isEqualTo(144 * 1024);
        Path set = write(dir, "limits:\n  preAuthBytes: 100KiB\n  maxConnectionsPerAddress: 20\n"
                + "timing:\n  requestHeaderTimeout: 5s\n  idleTimeout: 2m\n");
        ServerConfig s = ConfigLoader.load(set, Map.of());
        assertThat(s.limits().preAuthBytes()).isEqualTo(100 * 1024);
        assertThat(s.limits().maxConnectionsPerAddress()).isEqualTo(20);
        assertThat(s.timing().requestHeaderTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.timing().idleTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertFails(dir, "limits:\n  preAuthBytes: 1KiB\n", "limits.preAuthBytes: must be at least limits.maxFrameBytes");
        assertFails(dir, "limits:\n  maxConnectionsPerAddress: -1\n", "limits.maxConnectionsPerAddress");
    }

    private static void assertFails(Path dir, String yaml, String message) throws IOException {
        Path f = write(dir, yaml);
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    private static Path write(Path dir, String content) throws IOException {
        Path f = Files.createTempFile(dir, "parley", ".yaml");
        Files.writeString(f, content);
        return f;
    }
}
