package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.profile.AvatarImage;
import dev.parley.core.profile.ProfileFields;
import dev.parley.core.profile.ProfileStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Profiles in {@code profiles} and avatars in {@code avatars}, both on the shard of the user, so an
 * avatar and the version its profile names change in one transaction.
 */
public final class JdbcProfileStore implements ProfileStore {
    private final Shards shards;

    public JdbcProfileStore(Shards shards) {
        this.shards = shards;
    }

    @Override
    public Map<UserId, ProfileFields> fields(Collection<UserId> users) {
        Map<Database, List<UserId>> byShard = new LinkedHashMap<>();
        for (UserId u : users) {
            byShard.computeIfAbsent(shards.forUser(u), d -> new ArrayList<>()).add(u);
        }
        Map<UserId, ProfileFields> out = new HashMap<>();
        for (Map.Entry<Database, List<UserId>> e : byShard.entrySet()) {
            e.getKey().read(s -> {
                PreparedStatement ps = s.prepare("SELECT display_name, status, avatar FROM profiles WHERE user_id = ?");
                for (UserId u : e.getValue()) {
                    ps.setLong(1, u.value());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            out.put(u, new ProfileFields(rs.getString(1), rs.getString(2), rs.getString(3)));
                        }
                    }
                }
                return null;
            });
        }
        return out;
    }

    @Override
    public void setText(UserId user, String displayName, String status, long now) {
        Futures.await(shards.forUser(user).write(user.value(), s -> {
            PreparedStatement ps = s.prepare("INSERT INTO profiles (user_id, display_name, status, avatar, updated_at)"
                    + " VALUES (?, ?, ?, NULL, ?) ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name,"
                    + " status = excluded.status, updated_at = excluded.updated_at");
            ps.setLong(1, user.value());
            ps.setString(2, displayName);
            ps.setString(3, status);
            ps.setLong(4, now);
            return ps.executeUpdate();
        }));
    }

    @Override
    public void setAvatar(UserId user, AvatarImage image, long now) {
        Futures.await(shards.forUser(user).write(user.value(), s -> {
            PreparedStatement av = s.prepare("INSERT INTO avatars (user_id, version, content_type, bytes, created_at)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET version = excluded.version,"
                    + " content_type = excluded.content_type, bytes = excluded.bytes, created_at = excluded.created_at");
            av.setLong(1, user.value());
            av.setString(2, image.version());
            av.setString(3, image.contentType());
            av.setBytes(4, image.bytes());
            av.setLong(5, now);
            av.executeUpdate();
            return pointAt(s, user, image.version(), now);
        }));
    }

    private static int pointAt(SqlSession s, UserId user, String version, long now) throws SQLException {
        PreparedStatement ps = s.prepare("INSERT INTO profiles (user_id, display_name, status, avatar, updated_at)"
                + " VALUES (?, NULL, NULL, ?, ?) ON CONFLICT (user_id) DO UPDATE SET avatar = excluded.avatar,"
                + " updated_at = excluded.updated_at");
        ps.setLong(1, user.value());
        ps.setString(2, version);
        ps.setLong(3, now);
        return ps.executeUpdate();
    }

    @Override
    public boolean removeAvatar(UserId user) {
        return Futures.await(shards.forUser(user).write(user.value(), s -> {
            PreparedStatement del = s.prepare("DELETE FROM avatars WHERE user_id = ?");
            del.setLong(1, user.value());
            boolean had = del.executeUpdate() == 1;
            PreparedStatement ps = s.prepare("UPDATE profiles SET avatar = NULL WHERE user_id = ?");
            ps.setLong(1, user.value());
            ps.executeUpdate();
            return had;
        }));
    }

    @Override
    public Optional<AvatarImage> avatar(UserId user, String version) {
        return shards.forUser(user).read(s -> {
            PreparedStatement ps = s.prepare("SELECT version, content_type, bytes FROM avatars WHERE user_id = ? AND version = ?");
            ps.setLong(1, user.value());
            ps.setString(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new AvatarImage(rs.getString(1), rs.getString(2), rs.getBytes(3)))
                        : Optional.<AvatarImage>empty();
            }
        });
    }

    @Override
    public void delete(UserId user) {
        Futures.await(shards.forUser(user).write(user.value(), s -> {
            for (String sql : List.of("DELETE FROM avatars WHERE user_id = ?", "DELETE FROM profiles WHERE user_id = ?")) {
                PreparedStatement ps = s.prepare(sql);
                ps.setLong(1, user.value());
                ps.executeUpdate();
            }
            return null;
        }));
    }
}
