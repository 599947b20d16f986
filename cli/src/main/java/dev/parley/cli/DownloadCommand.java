package dev.parley.cli;

import dev.parley.sdk.Attachment;
import dev.parley.sdk.ParleyClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code parley download ID}: saves a file someone sent (its id is shown with the message). */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = {"Save a file or photo from a message.",
                "The id is shown with the message: [file NAME, SIZE: parley download ID].",
                "Prints: saved PATH SIZE"})
public final class DownloadCommand extends ClientCommand {

    @Parameters(paramLabel = "ID", description = "The attachment's id.")
    long id;

    @Option(names = {"-o", "--out"}, paramLabel = "PATH",
            description = "Where to save it (default: its name, in the current directory; an existing file is kept"
                    + " and a number added).")
    Path out;

    @Override
    int run() throws Exception {
        SavedLogin login = login();
        try (ParleyClient client = client(login)) {
            Attachment a = client.attachment(id);
            Path target = out != null ? out : free(Path.of(a.name()).getFileName());
            client.download(id, target);
            out().println("saved " + target + " " + Files.size(target));
        }
        return 0;
    }

    /** {@code name}, or {@code name (2)}, {@code name (3)} ... when it exists. */
    private static Path free(Path name) {
        if (!Files.exists(name)) {
            return name;
        }
        String s = name.toString();
        int dot = s.lastIndexOf('.');
        String stem = dot > 0 ? s.substring(0, dot) : s;
        String ext = dot > 0 ? s.substring(dot) : "";
        for (int i = 2; i < 1000; i++) {
            Path p = Path.of(stem + " (" + i + ")" + ext);
            if (!Files.exists(p)) {
                return p;
            }
        }
        throw new IllegalStateException("too many files named " + name);
    }
}
