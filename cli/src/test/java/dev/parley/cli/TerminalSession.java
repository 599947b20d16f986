package dev.parley.cli;

import org.jline.terminal.impl.DumbTerminal;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley chat} running on a dumb terminal: keys go in through a pipe, and everything it
 * draws is kept. Registers its user first, as a person would.
 */
final class TerminalSession {
    private final PipedOutputStream keys = new PipedOutputStream();
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final CompletableFuture<CliRun> run;

    private TerminalSession(Path home) throws IOException {
        PipedInputStream in = new PipedInputStream(keys, 64 * 1024);
        ChatCommand chat = new ChatCommand();
        chat.terminal = new DumbTerminal("test", "dumb", in, screen, StandardCharsets.UTF_8);
        CommandLine cmd = new CommandLine(new Root()).addSubcommand("chat", chat);
        // A thread of its own: on the common pool the chat would hold one of its few workers for
        // its whole life, and the JDK's HTTP client, which completes on that pool, would stall.
        run = new CompletableFuture<>();
        Thread.ofPlatform().name("chat-under-test").daemon(true).start(() -> run.complete(CliRun.run(cmd, home, "chat")));
    }

    /** Registers {@code username} on the node with its own home directory under {@code dir}, then starts the chat. */
    static TerminalSession register(LocalNode node, Path dir, String username) throws IOException {
        Path home = dir.resolve(username);
        CliRun reg = CliRun.run(home, "register", username, "--server", node.base().toString(), "--password",
                "pw-" + username + "-long");
        if (reg.exitCode() != 0) {
            throw new IllegalStateException("register failed: " + reg.err());
        }
        return new TerminalSession(home);
    }

    /** Types a line and Enter. */
    void type(String line) throws IOException {
        press(line + "\n");
    }

    /** Sends keys as they are, escape sequences included. */
    void press(String keys) throws IOException {
        this.keys.write(keys.getBytes(StandardCharsets.UTF_8));
        this.keys.flush();
    }

    /** Everything drawn so far. */
    String output() {
        synchronized (screen) {
            return screen.toString(StandardCharsets.UTF_8);
        }
    }

    /** Types /quit and waits for the command to end. */
    CliRun quit() throws Exception {
        type("/quit");
        return run.get(20, TimeUnit.SECONDS);
    }

    /** A {@code parley} with just the chat command instance under test. */
    @CommandLine.Command(name = "parley")
    static final class Root {
    }
}
