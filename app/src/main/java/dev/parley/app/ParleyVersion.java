package dev.parley.app;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The project version and the git commit the command was built from: {@code version.properties}
 * (filtered by the build) and {@code commit.txt} (written by {@code git describe}, with
 * {@code -dirty} when the tree had uncommitted changes). A build outside a git checkout has no
 * commit and says only the version.
 */
public final class ParleyVersion implements IVersionProvider {

    /** {@code parley 0.1.0 (git 1a2b3c4)}, or {@code parley 0.1.0} when the commit is not known. */
    public static String line() {
        Properties p = new Properties();
        try (InputStream in = ParleyVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String version = p.getProperty("version", "unknown").strip();
        String commit = resource("commit.txt").strip();
        return commit.isEmpty() ? "parley " + version : "parley " + version + " (git " + commit + ")";
    }

    private static String resource(String name) {
        try (InputStream in = ParleyVersion.class.getResourceAsStream(name)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {line()};
    }
}
