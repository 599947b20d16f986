package dev.parley.server.config;

import dev.parley.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings read generically from their declarations, and configurations built from setting values. */
class SettingValuesTest {
    private static final Path EXAMPLES = Path.of("..", "config");

    @Test
    void theDeclaredDefaultsAreTheConfigurationsDefaults() {
        ServerConfig d = SettingValues.defaults().toConfig();
        assertThat(d).isEqualTo(ServerConfig.defaults());
        assertThat(d.limits()).isEqualTo(ServerConfig.Limits.defaults());
        assertThat(d.limits().preAuthBytes()).isEqualTo(80 * 1024);
        assertThat(d.timing().idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.accounts().limits()).isEqualTo(dev.parley.core.account.AccountLimits.defaults());
    }

    @Test
    void aConfigurationIsBuiltFromSettingsAndCheckedByItsSections() {
        ServerConfig c = SettingValues.defaults().with(Settings.LIMITS_MAX_GROUP_SIZE, 3)
                .with(Settings.PULL_MAX_WAIT, Duration.ofSeconds(2)).toConfig();
        assertThat(c.limits().maxGroupSize()).isEqualTo(3);
        assertThat(c.pull().maxWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.withLimits(ServerConfig.Limits.defaults())).isEqualTo(SettingValues.defaults()
                .with(Settings.PULL_MAX_WAIT, Duration.ofSeconds(2)).toConfig());
        assertThatThrownBy(() -> SettingValues.defaults().with(Settings.LIMITS_MAX_GROUP_SIZE, 1).toConfig())
                .hasMessageStartingWith("limits.maxGroupSize: ");
    }

    @Test
    void aBadValueFromTheEnvironmentNamesTheSettingAndItsVariable() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PARLEY_TIMING_HEARTBEAT", "soon")))
                .hasMessageStartingWith("timing.heartbeat: must be a duration")
                .hasMessageContaining("(from PARLEY_TIMING_HEARTBEAT)");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PARLEY_SERVER_PORT", "70000")))
                .hasMessage("server.port: must be 0 to 65535 (from PARLEY_SERVER_PORT)");
    }

    @Test
    void theSecretsAreMarkedAndNotPrinted() {
        assertThat(Settings.all().stream().filter(Setting::secret).map(Setting::name)).containsExactlyInAnyOrder(
                "storage.postgresPassword", "admin.token", "push.webhookSecret", "attachments.s3SecretKey");
        assertThat(SettingValues.defaults().with(Settings.ADMIN_TOKEN, "a-long-enough-token").toString())
                .doesNotContain("a-long-enough-token");
    }

    @Test
    void everyValueTheSingleNodeExampleWritesIsTheDeclaredDefault() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> document = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(EXAMPLES.resolve("example-single-node.yaml")));
        SettingValues example = SettingSource.read(document, Map.of(), new HashSet<>());
        int written = 0;
        for (Setting<?> s : Settings.all()) {
            if (example.given(s)) {
                written++;
                Object value = example.get(s);
                Object fallback = s.fallback();
                if (value instanceof Path p) {
                    value = p.normalize();
                    fallback = fallback == null ? null : ((Path) fallback).normalize();
                }
                assertThat(value).as(s.name()).isEqualTo(fallback);
            }
        }
        assertThat(written).isGreaterThan(50);
    }
}
