package dev.parley.server.http;

import dev.parley.core.conversation.ConversationId;
import dev.parley.core.search.SearchHit;
import dev.parley.core.search.SearchPosition;
import dev.parley.core.search.SearchService;
import dev.parley.protocol.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code GET /v1/search}: full-text search over the caller's conversations (docs/protocol.md, "Search"). */
final class SearchRoutes {
    private final SearchService search;
    private final Responder respond;

    SearchRoutes(SearchService search, Responder respond) {
        this.search = search;
        this.respond = respond;
    }

    void mount(Router r) {
        r.get("/v1/search").handler(ctx -> respond.authed(ctx, 200, caller -> {
            String q = ctx.request().getParam("q");
            if (q == null || q.isBlank()) {
                throw new ApiException(ErrorCode.MISSING_FIELD, "query parameter 'q' is required");
            }
            Long conversation = Requests.queryLong(ctx, "conversationId");
            if (conversation != null && conversation == 0) {
                throw new ApiException(ErrorCode.INVALID_FIELD, "query parameter 'conversationId' must be positive");
            }
            Long limit = Requests.queryLong(ctx, "limit");
            String before = ctx.request().getParam("before");
            SearchPosition after = null;
            if (before != null) {
                after = SearchPosition.parse(before);
                if (after == null) {
                    throw new ApiException(ErrorCode.INVALID_FIELD, "query parameter 'before' must be a 'next' value");
                }
            }
            SearchService.Page page = search.search(caller, q,
                    conversation == null ? null : new ConversationId(conversation), after,
                    limit == null ? 20 : (int) Math.min(limit, Integer.MAX_VALUE));
            JsonArray hits = new JsonArray();
            for (SearchHit h : page.hits()) {
                JsonArray marks = new JsonArray();
                h.snippet().highlights().forEach(m -> marks.add(new JsonArray().add(m[0]).add(m[1])));
                hits.add(new JsonObject().put("conversationId", h.conversationId().value()).put("seq", h.seq())
                        .put("senderId", h.senderId().value()).put("ts", h.createdAt())
                        .put("snippet", h.snippet().text()).put("highlights", marks));
            }
            return new JsonObject().put("hits", hits).put("next", page.next() == null ? null : page.next().wire());
        }));
    }
}
