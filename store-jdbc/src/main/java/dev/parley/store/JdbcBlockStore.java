package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.block.Block;
import dev.parley.core.block.BlockStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Blocks in {@code blocks}, on the shard of the blocker; who blocked a user is asked of every
 * shard (an indexed lookup each, cached by the core's {@code BlockDirectory}).
 */
public final class JdbcBlockStore implements BlockStore {
    private final Shards shards;

    public JdbcBlockStore(Shards shards) {
        this.shards = shards;
    }

    @Override
    public boolean block(UserId blocker, UserId blocked, long now) {
        return Futures.await(shards.forUser(blocker).write(blocker.value(), s -> {
            PreparedStatement ps = s.prepare("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)"
                    + " ON CONFLICT (blocker_id, blocked_id) DO NOTHING");
            ps.setLong(1, blocker.value());
            ps.setLong(2, blocked.value());
            ps.setLong(3, now);
            return ps.executeUpdate() == 1;
        }));
    }

    @Override
    public boolean unblock(UserId blocker, UserId blocked) {
        return Futures.await(shards.forUser(blocker).write(blocker.value(), s -> {
            PreparedStatement ps = s.prepare("DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?");
            ps.setLong(1, blocker.value());
            ps.setLong(2, blocked.value());
            return ps.executeUpdate() == 1;
        }));
    }

    @Override
    public List<Block> blocksBy(UserId blocker) {
        return shards.forUser(blocker).read(s -> {
            PreparedStatement ps = s.prepare("SELECT blocked_id, created_at FROM blocks WHERE blocker_id = ?"
                    + " ORDER BY created_at DESC, blocked_id");
            ps.setLong(1, blocker.value());
            List<Block> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Block(blocker, new UserId(rs.getLong(1)), rs.getLong(2)));
                }
            }
            return out;
        });
    }

    @Override
    public Set<UserId> blockersOf(UserId user) {
        Set<UserId> out = new HashSet<>();
        for (Database db : shards.all()) {
            db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT blocker_id FROM blocks WHERE blocked_id = ?");
                ps.setLong(1, user.value());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new UserId(rs.getLong(1)));
                    }
                }
                return null;
            });
        }
        return out;
    }

    @Override
    public void removeBlocksBy(UserId blocker) {
        Futures.await(shards.forUser(blocker).write(blocker.value(), s -> {
            PreparedStatement ps = s.prepare("DELETE FROM blocks WHERE blocker_id = ?");
            ps.setLong(1, blocker.value());
            return ps.executeUpdate();
        }));
    }
}
