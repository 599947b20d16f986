package dev.parley.cli;

import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.PositionStore;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;

import java.time.ZoneId;

/** {@code parley chat}: the interactive client. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"Chat interactively.",
                "Shows your conversations with unread counts and who is online (● / ○). /open NAME shows one",
                "live, with ✓ sent, ✓✓ delivered and ✓✓ read marks (in a group: by every member) and who is",
                "typing. Type a line to send it; PageUp / PageDown (or /more) scroll back through history.",
                "/group \"Title with spaces\" USER... creates a group; /add, /remove, /rename, /role, /leave",
                "change the open one; /info shows who has seen your latest message; /help lists every",
                "command; /list goes back to the list, /quit (or Ctrl-D) ends."})
public final class ChatCommand extends ClientCommand {
    /** The terminal to use; tests set one, otherwise the system's. */
    Terminal terminal;

    @Override
    int run() throws Exception {
        SavedLogin login = login();
        ChatScreen screen = new ChatScreen(login.session(), ZoneId.systemDefault());
        PositionStore positions = PositionStore.inMemory();
        try (ParleyClient client = ParleyClient.builder(login.server(), login.session()).listener(screen)
                .positions(positions).build();
             Terminal t = terminal != null ? terminal : TerminalBuilder.builder().system(true).build()) {
            screen.attach(client);
            screen.load(positions);
            client.connect();
            new TerminalChat(t, screen).run();
        }
        return 0;
    }
}
