package dev.parley.server;

import dev.parley.core.IdGenerator;
import dev.parley.core.account.AccountDeletion;
import dev.parley.core.account.ConnectedDevices;
import dev.parley.core.block.BlockDirectory;
import dev.parley.core.block.BlockService;
import dev.parley.core.conversation.MembershipDirectory;
import dev.parley.core.delivery.EventPublisher;
import dev.parley.core.group.GroupService;
import dev.parley.core.message.MessageService;
import dev.parley.core.profile.ProfileService;
import dev.parley.core.report.ReportService;
import dev.parley.core.request.MessageRequests;
import dev.parley.server.avatar.AvatarImages;
import dev.parley.server.http.PeopleServices;
import dev.parley.server.push.NodePush;
import dev.parley.store.JdbcBlockStore;
import dev.parley.store.JdbcProfileStore;
import dev.parley.store.JdbcReportStore;
import dev.parley.store.JdbcRequestStore;
import dev.parley.store.JdbcStores;

import java.time.Clock;

/**
 * The people side of a node, wired from the {@code people} section: profiles, blocks, message
 * requests, reports and account deletion, and the hooks they set on the message path (the direct
 * conversations' gate, the first message of a request), on groups (who may be added) and on push.
 */
final class NodePeople {
    private NodePeople() {
    }

    /** Who blocked whom, cached; built before the links and push, which consult it. */
    static BlockDirectory reach(JdbcStores db) {
        return new BlockDirectory(new JdbcBlockStore(db.shards()), db.accounts(), Blocking.executor(), 100_000);
    }

    static PeopleServices wire(ServerConfig config, JdbcStores db, BlockDirectory reach, MembershipDirectory memberships,
                               EventPublisher publisher, MessageService messages, GroupService groups,
                               ConnectedDevices connections, NodePush push, IdGenerator ids, Clock clock) {
        ServerConfig.People p = config.people();
        JdbcRequestStore requestStore = new JdbcRequestStore(db.shards());
        JdbcProfileStore profileStore = new JdbcProfileStore(db.shards());
        JdbcBlockStore blockStore = new JdbcBlockStore(db.shards());
        MessageRequests requests = new MessageRequests(requestStore, db.conversations(), db.messages(), db.accounts(),
                memberships, reach, publisher, ids, clock, Blocking.executor(), p.messageRequests());
        messages.directGate(requests);
        messages.onLoneDirectEntry(requests::loneEntry);
        groups.admission(reach::requireAddable);
        if (push != null) {
            push.dispatcher().pendingRequests((conversation, user) -> requests.pendingFor(user, conversation).isPresent());
        }
        ProfileService profiles = new ProfileService(profileStore, db.accounts(), db.conversations(), memberships,
                publisher, clock);
        BlockService blocks = new BlockService(blockStore, reach, db.accounts(), requests, clock);
        ReportService reports = new ReportService(new JdbcReportStore(db.shards()), db.accounts(), db.conversations(),
                db.messages(), requests, ids, clock, p.reportsPerDay());
        AccountDeletion deletion = new AccountDeletion(db.accounts(), connections, db.conversations(), memberships, groups,
                db.messages(), requestStore, blockStore, reach, profileStore, profiles,
                push == null ? null : push.store(), publisher, p.deletedAccountMessages());
        return new PeopleServices(profiles, new AvatarImages(p.maxAvatarBytes(), p.avatarPixels()), blocks, reach,
                requests, reports, deletion, db.conversations());
    }
}
