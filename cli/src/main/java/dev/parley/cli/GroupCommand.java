package dev.parley.cli;

import dev.parley.sdk.Conversation;
import dev.parley.sdk.ParleyClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;

/** {@code parley group ...}: group commands. */
@Command(name = "group", mixinStandardHelpOptions = true, description = "Groups.",
        subcommands = GroupCommand.Create.class)
public final class GroupCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code parley group create TITLE USER...}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a group you own with these members.", "Prints: created CONVERSATION_ID"})
    static final class Create extends ClientCommand {
        @Parameters(index = "0", paramLabel = "TITLE")
        String title;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "USER")
        List<String> users = List.of();

        @Override
        int run() {
            try (ParleyClient client = client(login())) {
                Conversation group = client.createGroup(title, users);
                out().println("created " + group.conversationId());
            }
            return 0;
        }
    }
}
