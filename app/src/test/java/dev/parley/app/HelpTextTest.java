package dev.parley.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./parley --help}, {@code serve --help} and {@code --version} answer before anything is
 * built, from app/src/help/. These tests keep those files equal to what the command prints, and
 * run the script where there is no jar, no Maven and no JDK lookup to fall back on.
 * After changing a command's options or descriptions, rewrite the files with
 * {@code PARLEY_WRITE_HELP=1 ./mvnw -pl app -am test -Dtest=HelpTextTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class HelpTextTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path HELP = ROOT.resolve("app/src/help");

    @Test
    void committedHelpIsWhatTheCommandPrints() throws Exception {
        CommandLine parley = new CommandLine(new Parley());
        assertSameAsCommitted("parley.txt", parley.getUsageMessage(CommandLine.Help.Ansi.OFF));
        assertSameAsCommitted("serve.txt", parley.getSubcommands().get("serve").getUsageMessage(CommandLine.Help.Ansi.OFF));
    }

    @Test
    void versionNamesTheProjectVersionAndTheCommitItWasBuiltFrom() throws Exception {
        String line = ParleyVersion.line();
        assertThat(line).startsWith("parley " + pomVersion());
        if (Files.exists(ROOT.resolve(".git"))) {
            assertThat(line).matches("parley \\S+ \\(git [0-9a-f]{7,}(-dirty)?\\)");
        }
    }

    @Test
    void scriptAnswersHelpAndVersionWithoutBuilding(@TempDir Path dir) throws Exception {
        // Only what help needs: the script, the root pom and the help texts. No jar, no ./mvnw,
        // no scripts/jdk.sh: a build or a JDK lookup would fail here.
        Files.copy(ROOT.resolve("parley"), dir.resolve("parley"));
        Files.copy(ROOT.resolve("pom.xml"), dir.resolve("pom.xml"));
        Files.createDirectories(dir.resolve("app/src/help"));
        for (String f : List.of("parley.txt", "serve.txt")) {
            Files.copy(HELP.resolve(f), dir.resolve("app/src/help").resolve(f));
        }
        String parleyHelp = Files.readString(HELP.resolve("parley.txt"));
        assertThat(run(dir, "serve", "--help")).isEqualTo(Files.readString(HELP.resolve("serve.txt")));
        assertThat(run(dir, "--help")).isEqualTo(parleyHelp);
        assertThat(run(dir)).isEqualTo(parleyHelp);
        assertThat(run(dir, "--version")).isEqualTo("parley " + pomVersion() + "\n");
    }

    private static String run(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", dir.resolve("parley").toString()));
        cmd.addAll(List.of(args));
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("exit code of parley %s; stderr: %s", String.join(" ", args), Files.readString(err))
                .isZero();
        assertThat(Files.readString(err)).isEmpty();
        return out;
    }

    private static void assertSameAsCommitted(String file, String printed) throws Exception {
        Path committed = HELP.resolve(file);
        if ("1".equals(System.getenv("PARLEY_WRITE_HELP"))) {
            Files.writeString(committed, printed);
        }
        assertThat(Files.readString(committed))
                .as("app/src/help/%s differs from what the command prints; rewrite it with PARLEY_WRITE_HELP=1 (see %s)",
                        file, HelpTextTest.class.getSimpleName())
                .isEqualTo(printed);
    }

    /** The project's version, as the root pom states it. */
    private static String pomVersion() throws java.io.IOException {
        Matcher m = Pattern.compile("(?m)^  <version>(.+)</version>$").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
