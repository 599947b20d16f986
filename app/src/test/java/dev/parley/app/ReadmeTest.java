package dev.parley.app;

import dev.parley.server.ParleyNode;
import dev.parley.server.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * README.md as a newcomer follows it: every line of every shell block, in order, run by bash
 * exactly as written against a real node, each block in a shell of its own; a line that fails
 * fails the test, and the lines that say what they print are checked for it. So the README
 * cannot drift from the code again.
 *
 * <p>What the test provides around the lines: a node on a free port, which {@code PARLEY_SERVER}
 * names (the README says how that variable moves the node, for when 8080 is taken, and its
 * {@code curl} block reads it too), so nothing is substituted in the lines themselves; a
 * {@code ./parley} in the working directory that runs the command on this build's class path
 * (the real script would build first); an empty {@code HOME}; the node's data in {@code ./data},
 * where {@code ./parley admin} looks for the admin token. Lines that cannot run here are listed in
 * {@link #NOT_RUN} with the reason; a new README line runs unless it is added there.
 */
class ReadmeTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Set<String> SHELL = Set.of("sh", "bash", "shell", "");
    /** Marks the start of a line's output: ASCII record separator, then the line's index. */
    private static final char MARK = '\u001e';

    /** Lines that are not run, by how they start, and why. */
    private static final Map<String, String> NOT_RUN = Map.ofEntries(
            Map.entry("./parley serve", "runs a node until stopped; this test runs its own, the one every other line"
                    + " talks to"),
            Map.entry("./mvnw verify", "the build this test is part of"),
            Map.entry("tar -xzf parley-", "needs a release archive; dist's ArchiveIT unpacks and runs the ones the"
                    + " build makes"),
            Map.entry("parley-0.1.0/bin/parley serve", "runs an unpacked archive's node until stopped; dist's"
                    + " ArchiveIT does"),
            Map.entry("sudo", "installs system-wide as root (dpkg, systemd); dist's DebPackageIT does where it may"),
            Map.entry("docker", "Docker is not available on the build machines (the Install section says what dist"
                    + " checks instead)"),
            Map.entry("echo \"PARLEY_PG_PASSWORD", "writes deploy/.env, which only docker compose reads"),
            Map.entry("PARLEY_HOME=~/.parley-bob ./parley download ATTACHMENT_ID", "takes the id the line before"
                    + " prints; OneShotCommandsTest (cli) downloads a sent file and compares its bytes"),
            Map.entry("./parley chat", "interactive: it needs a terminal; ChatScreenTest (cli) runs the chat command"
                    + " on one"),
            Map.entry("scripts/cluster.sh", "starts PostgreSQL shards, Redis, HAProxy and three node processes; the"
                    + " cluster tests run the same cluster mode in every build"),
            Map.entry("./parley consistency", "a ten-minute soak; ConsistencyRunTest runs the same run for seconds in"
                    + " every build"),
            Map.entry("./parley bench", "a load run; the bench module's LatencySmokeTest runs it small"));

    /** What a line must print (a regular expression found in its standard output), by how the line starts. */
    private static final Map<String, String> PRINTS = new LinkedHashMap<>();

    static {
        PRINTS.put("./parley register alice", "^registered alice \\d+$");
        PRINTS.put("PARLEY_HOME=~/.parley-bob ./parley register bob", "^registered bob \\d+$");
        PRINTS.put("PARLEY_HOME=~/.parley-carol ./parley register carol", "^registered carol \\d+$");
        PRINTS.put("./parley send --to bob", "^sent \\d+ 1$");
        PRINTS.put("PARLEY_HOME=~/.parley-bob ./parley history alice",
                "^SEQ\tTIME\tSENDER\tKIND\tTEXT\n1\t\\S+\talice\ttext\thello$");
        PRINTS.put("PARLEY_HOME=~/.parley-bob ./parley send --to alice", "^sent \\d+ 2$");
        PRINTS.put("./parley group create \"Climbing club\"", "^created \\d+$");
        PRINTS.put("./parley send --group \"Climbing club\"", "^sent \\d+ 2$");
        PRINTS.put("./parley conversations", "^ID\tKIND\tNAME\tUNREAD\tLAST MESSAGE\n\\d+\tgroup\tClimbing club\t0\t"
                + "who is in on Saturday\\?\n\\d+\tdirect\tbob\t1\thi alice$");
        PRINTS.put("curl -s -XPOST $node/v1/accounts -H \"$J\" -d '{\"username\":\"dave\"", "\"username\":\"dave\"");
        PRINTS.put("curl -s -XPOST $node/v1/accounts -H \"$J\" -d '{\"username\":\"erin\"", "\"username\":\"erin\"");
        PRINTS.put("curl -s -XPOST $node/v1/conversations/direct", "\"kind\":\"direct\".*\"username\":\"erin\"");
        PRINTS.put("./parley admin stats", "\"stored\"");
    }

    /** One fenced block of README.md: its language and its lines, continuations joined. */
    record Block(int firstLine, String language, List<String> lines) {
    }

    @Test
    void everyCommandInTheReadmeRunsAsWritten(@TempDir Path dir) throws Exception {
        List<Block> blocks = blocks(Files.readAllLines(README));
        Path work = Files.createDirectories(dir.resolve("work"));
        Path home = Files.createDirectories(dir.resolve("home"));
        ParleyCommand.script(work);
        Set<String> printsChecked = new HashSet<>();
        Set<String> notRunUsed = new HashSet<>();
        int run = 0;
        try (ParleyNode node = ParleyNode.start(TestNode.baseConfig(work.resolve("data")))) {
            Map<String, String> env = Map.of("HOME", home.toString(), "PARLEY_SERVER", "http://127.0.0.1:" + node.port());
            for (Block block : blocks) {
                if (!SHELL.contains(block.language())) {
                    continue; // not commands (the Java SDK example)
                }
                List<String> lines = new ArrayList<>();
                for (String line : block.lines()) {
                    String reason = notRun(line, notRunUsed);
                    if (reason == null && !line.isBlank()) {
                        lines.add(line);
                    }
                }
                if (lines.isEmpty()) {
                    continue;
                }
                List<String> outputs = runInBash(block, lines, work, env);
                for (int i = 0; i < lines.size(); i++) {
                    for (Map.Entry<String, String> e : PRINTS.entrySet()) {
                        if (lines.get(i).startsWith(e.getKey())) {
                            assertThat(outputs.get(i)).as("what README.md's line\n  %s\nprinted", lines.get(i))
                                    .containsPattern(Pattern.compile(e.getValue(), Pattern.MULTILINE));
                            printsChecked.add(e.getKey());
                        }
                    }
                }
                run += lines.size();
            }
        }
        assertThat(run).as("README lines run").isGreaterThanOrEqualTo(PRINTS.size());
        assertThat(home.resolve(".parley").resolve("session.json")).as("alice's login, in ~/.parley as the shell has it")
                .exists();
        assertThat(printsChecked).as("README lines whose output this test checks; one is no longer in README.md:"
                + " update PRINTS").containsExactlyInAnyOrderElementsOf(PRINTS.keySet());
        assertThat(notRunUsed).as("README lines this test does not run; one is no longer in README.md: update NOT_RUN")
                .containsExactlyInAnyOrderElementsOf(NOT_RUN.keySet());
    }

    /** Why a line is not run, or null when it is. */
    private static String notRun(String line, Set<String> used) {
        for (Map.Entry<String, String> e : NOT_RUN.entrySet()) {
            if (line.startsWith(e.getKey())) {
                used.add(e.getKey());
                return e.getValue();
            }
        }
        return null;
    }

    /** Runs the lines in one bash, stopping at the first that fails; returns what each printed. */
    private static List<String> runInBash(Block block, List<String> lines, Path work, Map<String, String> env)
            throws Exception {
        StringBuilder script = new StringBuilder("set -eo pipefail\n");
        for (int i = 0; i < lines.size(); i++) {
            script.append("printf '\\036%d\\n' ").append(i).append('\n').append(lines.get(i)).append('\n');
        }
        Path file = Files.writeString(work.resolve("readme-block-" + block.firstLine() + ".sh"), script);
        ParleyCommand.Result r = ParleyCommand.run(new ProcessBuilder("bash", file.toString()), work, env);
        List<String> outputs = new ArrayList<>();
        int last = -1;
        String[] parts = r.out().split(String.valueOf(MARK), -1);
        for (int k = 1; k < parts.length; k++) {
            int newline = parts[k].indexOf('\n');
            last = Integer.parseInt(parts[k].substring(0, newline));
            outputs.add(parts[k].substring(newline + 1).strip());
        }
        if (r.exitCode() != 0) {
            int failed = Math.max(0, last);
            fail("README.md's block at line %d failed (exit code %d) at\n  %s\nIf it cannot run in a test, add it to"
                            + " ReadmeTest.NOT_RUN with the reason.\nstdout:\n%s\nstderr:\n%s", block.firstLine(),
                    r.exitCode(), lines.get(failed), r.out().replace(MARK, '#'), r.err());
        }
        assertThat(outputs).as("outputs of the block at line %d", block.firstLine()).hasSize(lines.size());
        return outputs;
    }

    /** The fenced blocks of a Markdown file, with lines ending in a backslash joined to the next. */
    static List<Block> blocks(List<String> markdown) {
        List<Block> out = new ArrayList<>();
        String language = null;
        int first = 0;
        List<String> lines = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (int n = 0; n < markdown.size(); n++) {
            String line = markdown.get(n);
            if (line.startsWith("```")) {
                if (language == null) {
                    language = line.substring(3).strip();
                    first = n + 2;
                    lines = new ArrayList<>();
                } else {
                    out.add(new Block(first, language, List.copyOf(lines)));
                    language = null;
                }
                continue;
            }
            if (language != null) {
                if (line.endsWith("\\")) {
                    pending.append(line, 0, line.length() - 1);
                } else {
                    lines.add(pending + line);
                    pending.setLength(0);
                }
            }
        }
        return out;
    }
}
