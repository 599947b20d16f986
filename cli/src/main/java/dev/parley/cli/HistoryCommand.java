package dev.parley.cli;

import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.Conversation;
import dev.parley.sdk.HistoryPage;
import dev.parley.sdk.ParleyClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

import java.time.Instant;

/** {@code parley history USER} or {@code --group GROUP}: a page of a conversation's history, oldest first. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Print a page of a conversation's history, oldest first.",
                "One line per entry: SEQ<TAB>TIME (ISO-8601, UTC)<TAB>SENDER<TAB>KIND<TAB>TEXT",
                "KIND is text, or the group change (created, members_added, renamed, ...).",
                "--json prints [{\"seq\", \"time\", \"sender\", \"kind\", \"text\"}, ...] instead."})
public final class HistoryCommand extends ClientCommand {

    @Parameters(paramLabel = "USER", arity = "0..1", description = "The other user of a direct conversation.")
    String user;

    @Option(names = "--group", paramLabel = "GROUP", description = "A group (its title or id) instead of a user.")
    String group;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
            description = "Entries, 1 to 200 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--before", paramLabel = "SEQ", description = "Only entries before this seq (page back).")
    Long before;

    @Option(names = "--after", paramLabel = "SEQ", description = "Only entries after this seq (page forward).")
    Long after;

    @Mixin
    Listing.Format format;

    @Override
    int run() {
        if ((user == null) == (group == null)) {
            throw new ParameterException(spec.commandLine(), "give either USER or --group GROUP");
        }
        SavedLogin login = login();
        try (ParleyClient client = client(login)) {
            Lookup lookup = new Lookup(client);
            Conversation c = group != null ? lookup.group(group) : lookup.direct(user);
            UserNames names = new UserNames();
            names.learn(c);
            names.put(login.session().userId(), login.session().username());
            HistoryPage page = client.history(c.conversationId(), before, after, limit);
            Listing listing = new Listing(new Listing.Column("SEQ", "seq"), new Listing.Column("TIME", "time"),
                    new Listing.Column("SENDER", "sender"), new Listing.Column("KIND", "kind"),
                    new Listing.Column("TEXT", "text"));
            for (ChatMessage m : page.messages()) {
                listing.add(m.seq(), Instant.ofEpochMilli(m.ts()).toString(), names.name(m.senderId()),
                        m.kind().wire(), EntryText.of(m, names::name));
            }
            listing.print(out(), format);
        }
        return 0;
    }
}
