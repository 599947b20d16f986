package dev.parley.cli;

import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.SearchHit;
import dev.parley.sdk.SearchPage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.List;

/** {@code parley search TEXT}: messages in your conversations whose words start with those of TEXT. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Find messages in your conversations, newest first.",
                "Every word of TEXT must start a word of the message; case and accents do not count.",
                "One line per hit: CONVERSATION<TAB>SEQ<TAB>TIME (ISO-8601, UTC)<TAB>SENDER<TAB>TEXT",
                "(the text around the match); --json prints a list of objects instead.",
                "Show one with: parley history ... --after SEQ-10"})
public final class SearchCommand extends ClientCommand {

    @Parameters(paramLabel = "TEXT", arity = "1..*", description = "The words to look for.")
    List<String> words;

    @Option(names = "--in", paramLabel = "CONVERSATION_ID", description = "Only this conversation.")
    Long in;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
            description = "Hits, 1 to 50 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Mixin
    Listing.Format format;

    @Override
    int run() {
        SavedLogin login = login();
        try (ParleyClient client = client(login)) {
            SearchPage page = client.search(String.join(" ", words), in, limit, null);
            UserNames names = new UserNames();
            names.put(login.session().userId(), login.session().username());
            java.util.Set<Long> senders = new java.util.HashSet<>();
            page.hits().forEach(h -> senders.add(h.senderId()));
            if (!senders.isEmpty()) {
                client.users(senders).forEach(u -> names.put(u.userId(), u.shownName()));
            }
            Listing listing = new Listing(new Listing.Column("CONVERSATION", "conversationId"),
                    new Listing.Column("SEQ", "seq"), new Listing.Column("TIME", "time"),
                    new Listing.Column("SENDER", "sender"), new Listing.Column("TEXT", "text"));
            for (SearchHit h : page.hits()) {
                listing.add(h.conversationId(), h.seq(), Instant.ofEpochMilli(h.ts()).toString(),
                        names.name(h.senderId()), h.snippet());
            }
            listing.print(out(), format);
        }
        return 0;
    }
}
