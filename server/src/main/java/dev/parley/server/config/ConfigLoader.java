package dev.parley.server.config;

import dev.parley.server.ServerConfig;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads a node's configuration from a YAML file and the environment, and validates it. Every
 * setting is declared in {@link Settings} with its default, so no file at all gives a working
 * single node. Errors name the setting: {@code limits.maxBodyBytes: must be 1 to
 * limits.maxFrameBytes - 256}, and the {@code PARLEY_*} variable when the value came from one.
 */
public final class ConfigLoader {
    /** The sections of the YAML file and the keys each allows. */
    static final Map<String, Set<String>> SCHEMA = SettingSource.schema();

    private ConfigLoader() {
    }

    /** The configuration from {@code file} (null for none) with environment overrides applied. */
    public static ServerConfig load(Path file, Map<String, String> env) {
        Map<String, Object> document = file == null ? Map.of() : read(file);
        Set<Setting<?>> fromEnvironment = new HashSet<>();
        SettingValues values = SettingSource.read(document, env, fromEnvironment);
        try {
            return values.toConfig();
        } catch (IllegalArgumentException e) {
            throw namingTheVariable(e, fromEnvironment);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path file) {
        try (Reader r = Files.newBufferedReader(file)) {
            Object doc = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromReader(r);
            if (doc == null) {
                return Map.of();
            }
            if (!(doc instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException(file + ": the configuration must be a mapping of sections");
            }
            return (Map<String, Object>) map;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the configuration file (" + e.getMessage() + ")");
        } catch (YamlEngineException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getMessage());
        }
    }

    /** A section's check names the setting; when its value came from the environment, say which variable. */
    private static IllegalArgumentException namingTheVariable(IllegalArgumentException e, Set<Setting<?>> fromEnvironment) {
        String message = String.valueOf(e.getMessage());
        for (Setting<?> s : fromEnvironment) {
            if (message.startsWith(s.name() + ":")) {
                return new IllegalArgumentException(message + " (from " + s.environmentName() + ")", e);
            }
        }
        return e;
    }
}
