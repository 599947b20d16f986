package dev.parley.server.http;

import dev.parley.core.account.AccountDeletion;
import dev.parley.core.block.BlockDirectory;
import dev.parley.core.block.BlockService;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.profile.ProfileService;
import dev.parley.core.report.ReportService;
import dev.parley.core.request.MessageRequests;
import dev.parley.server.avatar.AvatarImages;

/** What the REST API needs for profiles, blocks, message requests, reports and account deletion. */
public record PeopleServices(ProfileService profiles, AvatarImages avatars, BlockService blocks,
                             BlockDirectory reach, MessageRequests requests, ReportService reports,
                             AccountDeletion deletion, ConversationStore conversations) {
}
