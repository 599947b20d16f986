package dev.parley.app;

import dev.parley.server.config.Setting;
import dev.parley.server.config.Settings;
import org.junit.jupiter.api.Test;

import java.util.ResourceBundle;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code parley serve --help} and {@code --list-settings} say what the declared settings say. */
class SettingDefaultsTest {
    @Test
    void everySettingIsListedWithItsVariableAndDefault() {
        ResourceBundle bundle = ResourceBundle.getBundle("dev.parley.app.SettingDefaults");
        String listing = SettingDefaults.listing();
        for (Setting<?> s : Settings.all()) {
            assertThat(bundle.getString(s.name())).isEqualTo(s.documentedDefault());
            assertThat(listing).contains(s.name()).contains(s.environmentName());
        }
        assertThat(bundle.getString("limits.sendsPerSecond")).isEqualTo("50");
    }
}
