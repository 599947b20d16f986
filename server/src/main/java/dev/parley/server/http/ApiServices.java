package dev.parley.server.http;

import dev.parley.core.account.AccountService;
import dev.parley.core.conversation.ConversationService;
import dev.parley.core.group.GroupService;
import dev.parley.core.inbox.ConversationList;
import dev.parley.core.message.HistoryService;
import dev.parley.server.Readiness;
import dev.parley.server.ServerConfig;
import dev.parley.server.metrics.NodeMetrics;
import dev.parley.server.push.NodePush;

import dev.parley.store.SqliteAdministration;

import java.util.Map;
import java.util.function.Supplier;

/** What the REST API needs from the node. */
public record ApiServices(ServerConfig config, AccountService accounts, ConversationService conversations,
                          HistoryService history, GroupService groups, ConversationList conversationList,
                          NodeMetrics metrics, Supplier<Readiness> readiness, SqliteAdministration administration,
                          Supplier<Map<String, Object>> liveStats, String adminToken, NodePush push,
                          PeopleServices people, dev.parley.server.attachment.AttachmentIntake attachments,
                          dev.parley.core.search.SearchService search) {

    /** Without search (its route is not mounted). */
    public ApiServices(ServerConfig config, AccountService accounts, ConversationService conversations,
                       HistoryService history, GroupService groups, ConversationList conversationList,
                       NodeMetrics metrics, Supplier<Readiness> readiness, SqliteAdministration administration,
                       Supplier<Map<String, Object>> liveStats, String adminToken, NodePush push,
                       PeopleServices people, dev.parley.server.attachment.AttachmentIntake attachments) {
        this(config, accounts, conversations, history, groups, conversationList, metrics, readiness, administration,
                liveStats, adminToken, push, people, attachments, null);
    }

    /** Without attachments (their routes are not mounted). */
    public ApiServices(ServerConfig config, AccountService accounts, ConversationService conversations,
                       HistoryService history, GroupService groups, ConversationList conversationList,
                       NodeMetrics metrics, Supplier<Readiness> readiness, SqliteAdministration administration,
                       Supplier<Map<String, Object>> liveStats, String adminToken, NodePush push,
                       PeopleServices people) {
        this(config, accounts, conversations, history, groups, conversationList, metrics, readiness, administration,
                liveStats, adminToken, push, people, null);
    }

    /** Without the people routes (profiles, blocks, requests, reports). */
    public ApiServices(ServerConfig config, AccountService accounts, ConversationService conversations,
                       HistoryService history, GroupService groups, ConversationList conversationList,
                       NodeMetrics metrics, Supplier<Readiness> readiness, SqliteAdministration administration,
                       Supplier<Map<String, Object>> liveStats, String adminToken, NodePush push) {
        this(config, accounts, conversations, history, groups, conversationList, metrics, readiness, administration,
                liveStats, adminToken, push, null);
    }

    /** Without push (its routes are not mounted). */
    public ApiServices(ServerConfig config, AccountService accounts, ConversationService conversations,
                       HistoryService history, GroupService groups, ConversationList conversationList,
                       NodeMetrics metrics, Supplier<Readiness> readiness, SqliteAdministration administration,
                       Supplier<Map<String, Object>> liveStats, String adminToken) {
        this(config, accounts, conversations, history, groups, conversationList, metrics, readiness, administration,
                liveStats, adminToken, null);
    }
}
