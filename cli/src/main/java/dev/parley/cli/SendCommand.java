package dev.parley.cli;

import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.SentMessage;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code parley send --to USER TEXT} or {@code --group GROUP TEXT}: sends one message and waits until it is stored. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Send one message; returns once the node has stored it.",
                "With --attach, the files go with it (the text may then be left out).",
                "Prints: sent CONVERSATION_ID SEQ"})
public final class SendCommand extends ClientCommand {

    static final class Target {
        @Option(names = "--to", paramLabel = "USER", required = true, description = "A user: the direct conversation.")
        String to;

        @Option(names = "--group", paramLabel = "GROUP", required = true,
                description = "A group: its title (quoted if it has spaces) or its id.")
        String group;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Parameters(paramLabel = "TEXT", arity = "0..*",
            description = "The message (words are joined with spaces); '-' reads it from standard input.")
    List<String> words = List.of();

    @Option(names = "--attach", paramLabel = "FILE", description = "A file or photo to send with it (repeatable).")
    List<java.nio.file.Path> attach = List.of();

    @Override
    int run() throws Exception {
        if (words.isEmpty() && attach.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give TEXT, or --attach FILE, or both");
        }
        String body = words.equals(List.of("-")) ? stdin() : String.join(" ", words);
        SavedLogin login = login();
        // Live only: a one-shot send needs no catch-up of the whole history.
        try (ParleyClient client = ParleyClient.builder(login.server(), login.session()).resume(false)
                .autoDelivered(false).build()) {
            Lookup lookup = new Lookup(client);
            long conversationId = (target.group != null ? lookup.group(target.group) : lookup.direct(target.to))
                    .conversationId();
            java.util.List<dev.parley.sdk.Attachment> files = new java.util.ArrayList<>();
            for (java.nio.file.Path file : attach) {
                files.add(client.upload(file));
            }
            client.connect();
            SentMessage sent = await(files.isEmpty() ? client.send(conversationId, body)
                    : client.sendFiles(conversationId, body, files));
            out().println("sent " + sent.conversationId() + " " + sent.seq());
        }
        return 0;
    }

    private static String stdin() throws IOException {
        InputStream in = System.in;
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }
}
