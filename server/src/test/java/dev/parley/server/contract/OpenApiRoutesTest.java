package dev.parley.server.contract;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.OpenApiContract;
import dev.parley.protocol.OpenApiContract.Operation;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document names every route a started node serves and no route it does not: the
 * routes of the node's own router (method and path, {@code :id} written {@code {id}}) against the
 * document's paths and methods, both ways. And the node serves the document itself, as kept in
 * the repository.
 */
class OpenApiRoutesTest {
    @TempDir
    Path dataDir;
    TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theDocumentNamesEveryRouteOfTheNodeAndNoOther() throws Exception {
        // Defaults: people, attachments, search, push and metrics on, so every route is mounted.
        node = TestNode.start(dataDir);
        Set<Operation> served = new TreeSet<>();
        for (Route route : node.node().router().getRoutes()) {
            if (route.methods() == null || route.methods().isEmpty()) {
                continue; // a handler every request passes through (request ids, guards, body limits)
            }
            if (route.getPath() == null) {
                // A regex route (a path with :params is one too, but keeps its path). Not an operation: the web client's static files (every path outside /v1, /admin,
                // /health and /metrics) and the JSON-body guard of /v1 (all but the two uploads).
                continue;
            }
            assertThat(route.isExactPath()).as("route %s %s is a prefix", route.methods(), route.getPath()).isTrue();
            for (HttpMethod m : route.methods()) {
                served.add(new Operation(m.name(), route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}")));
            }
        }
        Set<Operation> documented = OpenApiContract.load().operations();

        Set<Operation> undocumented = new TreeSet<>(served);
        undocumented.removeAll(documented);
        Set<Operation> notServed = new TreeSet<>(documented);
        notServed.removeAll(served);
        SoftAssertions.assertSoftly(both -> {
            both.assertThat(undocumented).as("routes the node serves that %s lacks", OpenApiContract.RESOURCE).isEmpty();
            both.assertThat(notServed).as("operations %s names that the node does not serve", OpenApiContract.RESOURCE)
                    .isEmpty();
        });
        assertThat(served).as("the node's routes").hasSizeGreaterThan(50);
    }

    @Test
    void theNodeServesTheDocumentAsKeptInTheRepository() throws Exception {
        node = TestNode.start(dataDir);
        OpenApiContract contract = OpenApiContract.load();
        Rest.Response yaml = node.rest().get("/v1/openapi.yaml", null);
        assertThat(yaml.status()).isEqualTo(200);
        assertThat(yaml.header("Content-Type")).startsWith("application/yaml");
        assertThat(yaml.body()).isEqualTo(contract.text());

        Rest.Response json = node.rest().get("/v1/openapi.json", null);
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.header("Content-Type")).isEqualTo("application/json");
        assertThat(new ObjectMapper().readTree(json.body())).isEqualTo(contract.document());
    }
}
