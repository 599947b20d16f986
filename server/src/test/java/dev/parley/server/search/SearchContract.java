package dev.parley.server.search;

import dev.parley.core.account.AccountDeletion;
import dev.parley.server.ServerConfig;
import dev.parley.server.support.Groups;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/search} over real HTTP against a real node on each storage engine: accented,
 * non-Latin and prefix queries, newest first and paged, membership windows, one conversation, and
 * erased text no longer found.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SearchContract {
    @TempDir
    static Path dir;
    TestNode node;
    private int clientIds;

    abstract TestNode start(Path dataDir, UnaryOperator<ServerConfig> customize) throws Exception;

    /**
     * Starts a node with the store's test switches set ({@code JdbcSearchStore.PLAN_PROPERTY},
     * {@code INDEXING_PROPERTY}): the store reads them when it opens, so they are cleared after.
     */
    static TestNode startWith(Map<String, String> switches, Path dataDir, UnaryOperator<ServerConfig> customize)
            throws Exception {
        switches.forEach(System::setProperty);
        try {
            return TestNode.start(dataDir, customize);
        } finally {
            switches.keySet().forEach(System::clearProperty);
        }
    }

    @BeforeAll
    void startNode() throws Exception {
        node = start(dir.resolve("node"), c -> c.withPeople(
                c.people().withDeletedAccountMessages(AccountDeletion.Messages.ERASE)));
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private Rest.Response search(TestUser user, String query) {
        return user.restDevice().get("/v1/search?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                .replace("+", "%20") + "&" + "limit=50");
    }

    private Rest.Response search(TestUser user, String query, String more) {
        return user.restDevice().get("/v1/search?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                .replace("+", "%20") + "&" + more);
    }

    private static List<String> snippets(Rest.Response r) {
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        List<String> out = new ArrayList<>();
        for (Object o : r.array("hits")) {
            out.add(((JsonObject) o).getString("snippet"));
        }
        return out;
    }

    private long say(TestSocket socket, long conversation, String text) {
        return socket.sendMessage(conversation, "s" + (++clientIds), text).seq();
    }

    @Test
    void accentsCaseNonLatinScriptsAndPrefixesAreFoundNewestFirst() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket socket = alice.login("phone").connect();
        say(socket, c, "Rendez-vous au Café de Flore");
        say(socket, c, "Встреча в Москве завтра");
        say(socket, c, "東京で会いましょう");
        say(socket, c, "cafeteria later?");

        assertThat(snippets(search(bob, "cafe"))).containsExactly("cafeteria later?", "Rendez-vous au Café de Flore");
        assertThat(snippets(search(bob, "CAFÉ flo"))).containsExactly("Rendez-vous au Café de Flore");
        assertThat(snippets(search(bob, "москв"))).containsExactly("Встреча в Москве завтра");
        assertThat(snippets(search(bob, "東京"))).containsExactly("東京で会いましょう");
        assertThat(snippets(search(bob, "flores"))).isEmpty();
        JsonObject hit = search(bob, "café").array("hits").getJsonObject(1);
        JsonArray mark = hit.getJsonArray("highlights").getJsonArray(0);
        assertThat(hit.getString("snippet").substring(mark.getInteger(0), mark.getInteger(1))).isEqualTo("Café");
        assertThat(hit.getLong("conversationId")).isEqualTo(c);
        assertThat(hit.getLong("senderId")).isEqualTo(alice.userId());
    }

    @Test
    void aMemberFindsOnlyWhatTheirMembershipSpans() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        TestUser dave = node.newUser("dave");
        Groups groups = new Groups(node);
        long g = groups.createOk(alice, "Crew", bob);
        TestSocket socket = alice.login("phone").connect();
        say(socket, g, "zebra before carol");
        groups.addOk(alice, g, carol);
        say(socket, g, "zebra with carol");
        groups.removeOk(alice, g, bob);
        say(socket, g, "zebra after bob");

        assertThat(snippets(search(alice, "zebra"))).hasSize(3);
        assertThat(snippets(search(bob, "zebra"))).containsExactly("zebra with carol", "zebra before carol");
        assertThat(snippets(search(carol, "zebra"))).containsExactly("zebra after bob", "zebra with carol");
        assertThat(snippets(search(dave, "zebra"))).isEmpty();
    }

    @Test
    void oneConversationAndPagesNewestFirst() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        long withBob = alice.directWith(bob);
        long withCarol = alice.directWith(carol);
        TestSocket socket = alice.login("phone").connect();
        for (int i = 0; i < 5; i++) {
            say(socket, withBob, "walrus " + i);
        }
        say(socket, withCarol, "walrus elsewhere");

        assertThat(snippets(search(alice, "walrus", "conversationId=" + withBob + "&limit=50"))).hasSize(5);
        List<String> seen = new ArrayList<>();
        String next = null;
        for (int page = 0; page < 5; page++) {
            Rest.Response r = search(alice, "walrus", "limit=2" + (next == null ? "" : "&before=" + next));
            seen.addAll(snippets(r));
            next = r.json().getString("next");
            if (next == null) {
                break;
            }
        }
        assertThat(seen).containsExactly("walrus elsewhere", "walrus 4", "walrus 3", "walrus 2", "walrus 1", "walrus 0");
    }

    @Test
    void anEditedMessageKeepsItsPlaceNewestFirst() {
        // The edit indexes the first message again after the others: its place still follows its time.
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket socket = alice.login("phone").connect();
        long first = say(socket, c, "ibis one");
        say(socket, c, "ibis two");
        say(socket, c, "ibis three");
        socket.send(new dev.parley.protocol.ClientFrame.Edit("ibis-e", "ibis-e", c, first, "ibis one again"));
        socket.awaitFrame(dev.parley.protocol.ServerFrame.Sent.class, f -> f.clientId().equals("ibis-e"));

        assertThat(snippets(search(bob, "ibis"))).containsExactly("ibis three", "ibis two", "ibis one again");
        List<String> seen = new ArrayList<>();
        String next = null;
        for (int page = 0; page < 4; page++) {
            Rest.Response r = search(bob, "ibis", "limit=1" + (next == null ? "" : "&before=" + next));
            seen.addAll(snippets(r));
            next = r.json().getString("next");
            if (next == null) {
                break;
            }
        }
        assertThat(seen).containsExactly("ibis three", "ibis two", "ibis one again");
    }

    @Test
    void erasedTextIsNotFoundByItsOldWords() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket socket = alice.login("phone").connect();
        say(socket, c, "narwhal confession");
        assertThat(snippets(search(bob, "narwhal"))).hasSize(1);
        Rest.Response up = node.rest().send("POST", "/v1/attachments?name=n.txt", alice.restDevice().token(),
                "a narwhal drawing", "text/plain");
        assertThat(up.status()).as("%s", up).isEqualTo(201);
        long file = up.getLong("id");
        socket.send(dev.parley.protocol.ClientFrame.Send.withFiles("f", "f", c, "", List.of(file)));
        socket.awaitFrame(dev.parley.protocol.ServerFrame.Sent.class, f -> f.clientId().equals("f"));
        assertThat(bob.restDevice().get("/v1/attachments/" + file).status()).isEqualTo(200);

        Rest.Response deleted = node.rest().send("DELETE", "/v1/me", alice.restDevice().token(),
                new JsonObject().put("password", alice.password()).encode(), "application/json");
        assertThat(deleted.status()).as("%s", deleted).isEqualTo(204);

        assertThat(snippets(search(bob, "narwhal"))).isEmpty();
        assertThat(bob.restDevice().get("/v1/attachments/" + file).status()).as("the erased message's file")
                .isEqualTo(404);
    }

    @Test
    void editedTextIsFoundByItsNewWordsOnlyAndADeletedMessageLosesItsWordsAndFiles() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket socket = alice.login("phone").connect();
        long edited = say(socket, c, "quokka original");
        socket.send(new dev.parley.protocol.ClientFrame.Edit("e", "e", c, edited, "wombat updated"));
        socket.awaitFrame(dev.parley.protocol.ServerFrame.Sent.class, f -> f.clientId().equals("e"));

        assertThat(snippets(search(bob, "quokka"))).isEmpty();
        assertThat(snippets(search(bob, "wombat"))).containsExactly("wombat updated");

        Rest.Response up = node.rest().send("POST", "/v1/attachments?name=p.txt", alice.restDevice().token(),
                "a platypus sketch", "text/plain");
        long file = up.getLong("id");
        socket.send(dev.parley.protocol.ClientFrame.Send.withFiles("p", "p", c, "platypus photo", List.of(file)));
        long seq = socket.awaitFrame(dev.parley.protocol.ServerFrame.Sent.class, f -> f.clientId().equals("p")).seq();
        assertThat(snippets(search(bob, "platypus"))).hasSize(1);
        assertThat(bob.restDevice().get("/v1/attachments/" + file).status()).isEqualTo(200);
        socket.send(new dev.parley.protocol.ClientFrame.Delete("d", "d", c, seq));
        socket.awaitFrame(dev.parley.protocol.ServerFrame.Sent.class, f -> f.clientId().equals("d"));

        assertThat(snippets(search(bob, "platypus"))).isEmpty();
        assertThat(bob.restDevice().get("/v1/attachments/" + file).status()).as("a deleted message's file")
                .isEqualTo(404);
    }

    @Test
    void queriesOutsideTheLimitsAreRefused() {
        TestUser alice = node.newUser("alice");
        assertThat(alice.restDevice().get("/v1/search").errorCode()).isEqualTo("missing_field");
        assertThat(search(alice, "!!! ...").errorCode()).isEqualTo("invalid_field");
        assertThat(search(alice, "a b c d e f g h i").errorCode()).isEqualTo("too_large");
        assertThat(search(alice, "x".repeat(201)).errorCode()).isEqualTo("too_large");
        assertThat(search(alice, "x", "limit=51").errorCode()).isEqualTo("invalid_field");
        assertThat(search(alice, "x", "before=nonsense").errorCode()).isEqualTo("invalid_field");
        assertThat(search(alice, "x", "conversationId=0").errorCode()).isEqualTo("invalid_field");
        assertThat(node.rest().get("/v1/search?q=x", null).status()).isEqualTo(401);
    }
}
