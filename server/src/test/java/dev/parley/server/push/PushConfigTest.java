package dev.parley.server.push;

import dev.parley.core.push.PushContent;
import dev.parley.server.ServerConfig;
import dev.parley.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code push} section: defaults, the examples, environment overrides, errors that name the setting. */
class PushConfigTest {
    private static final Path EXAMPLES = Path.of("..", "config");

    @Test
    void defaultsAndExamples() {
        ServerConfig.Push d = ConfigLoader.load(null, Map.of()).push();
        assertThat(d.enabled()).isTrue();
        assertThat(d.content()).isEqualTo(PushContent.PREVIEW);
        assertThat(d.allowLoopbackTargets()).isFalse();
        assertThat(d.vapidKeyFile(Path.of("data"))).isEqualTo(Path.of("data", "vapid.json"));
        assertThat(ConfigLoader.load(EXAMPLES.resolve("example-single-node.yaml"), Map.of()).push()).isEqualTo(d);
        ServerConfig.Push cluster = ConfigLoader.load(EXAMPLES.resolve("example-cluster.yaml"),
                Map.of("PARLEY_PG_PASSWORD", "x", "PARLEY_CLUSTER_DIR", "/srv/cluster", "PARLEY_CLUSTER_NODE_NUMBER", "1"))
                .push();
        assertThat(cluster.content()).isEqualTo(PushContent.MINIMAL);
        assertThat(cluster.vapidKeyFile(Path.of("data"))).isEqualTo(Path.of("/srv/cluster/vapid.json"));
    }

    @Test
    void environmentOverridesAndErrorsNameTheSetting() {
        ServerConfig.Push p = ConfigLoader.load(null, Map.of("PARLEY_PUSH_CONTENT", "minimal",
                "PARLEY_PUSH_COALESCE_WINDOW", "30s", "PARLEY_PUSH_WEBHOOK_SECRET", "s3cret")).push();
        assertThat(p.content()).isEqualTo(PushContent.MINIMAL);
        assertThat(p.coalesceWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.toString()).doesNotContain("s3cret");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PARLEY_PUSH_CONTENT", "full")))
                .hasMessageStartingWith("push.content: must be 'preview' or 'minimal'");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PARLEY_PUSH_FCM_BASE_URL", "http://fcm.local")))
                .hasMessageStartingWith("push.fcmBaseUrl: must be an https URL");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PARLEY_PUSH_APNS_KEY_FILE", "/k.p8")))
                .hasMessageStartingWith("push.apnsKeyFile: needs");
    }
}
