package dev.parley.cli;

import dev.parley.sdk.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** session.json as a person opening it sees it, and what happens when it was edited badly. */
class LoginFileTest {
    @TempDir
    Path home;

    @Test
    void theLoginIsSavedAsReadableJsonAndReadBack() throws Exception {
        SavedLogin login = new SavedLogin(URI.create("https://chat.example.org"),
                new Session("tok\"en", 7312345680003L, 7312345680004L, "alice"));
        LoginFile file = new LoginFile(home);
        file.write(login);

        assertThat(Files.readString(file.path())).isEqualTo("""
                {
                  "server" : "https://chat.example.org",
                  "token" : "tok\\"en",
                  "userId" : 7312345680003,
                  "deviceId" : 7312345680004,
                  "username" : "alice"
                }
                """);
        assertThat(file.read()).contains(login);
    }

    @Test
    void aFileThatIsNotALoginAsksForANewOne() throws Exception {
        LoginFile file = new LoginFile(home);
        for (String text : new String[]{"", "[]", "{\"server\":\"https://x\",\"token\":\"t\",\"userId\":\"3\",\"deviceId\":4}",
                "{\"server\":\"https://x\",\"token\":\"t\",\"userId\":3}", "{\"server\":\"https://x\",\"userId\":3.5,\"deviceId\":4}",
                "{\"token\":\"t\",\"userId\":3,\"deviceId\":4}", "{\"server\":"}) {
            Files.writeString(file.path(), text);
            assertThatThrownBy(file::read).as(text).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("run 'parley login' again");
        }
    }

    @Test
    void fieldsItDoesNotKnowAreLeftAlone() throws Exception {
        LoginFile file = new LoginFile(home);
        Files.writeString(file.path(), "{\"server\":\"https://x\",\"extra\":{\"a\":[1,2]},\"token\":\"t\",\"userId\":3,"
                + "\"deviceId\":4,\"username\":\"bob\"}");
        assertThat(file.read()).contains(new SavedLogin(URI.create("https://x"), new Session("t", 3, 4, "bob")));
    }
}
