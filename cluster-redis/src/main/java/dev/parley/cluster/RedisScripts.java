package dev.parley.cluster;

import java.util.Arrays;
import java.util.Collection;

/**
 * The Lua scripts the cluster runs on Redis, each atomic. Every script takes the key namespace as
 * its first argument (see {@link Keys}).
 */
final class RedisScripts {
    private RedisScripts() {
    }

    /** A script's arguments: {@code first}, then every one of {@code rest}. */
    static Object[] args(Collection<?> rest, Object... first) {
        Object[] args = Arrays.copyOf(first, first.length + rest.size());
        int i = first.length;
        for (Object o : rest) {
            args[i++] = o;
        }
        return args;
    }

    /**
     * ARGV: namespace, this node, payload, user ids... Publishes the payload to every other node
     * holding one of the users, prefixed by the line of that node's users. Returns nodes reached.
     */
    static final String ROUTE_AND_PUBLISH = """
            local ns, self, payload = ARGV[1], ARGV[2], ARGV[3]
            local byNode = {}
            for i = 4, #ARGV do
              for _, n in ipairs(redis.call('SMEMBERS', ns .. ':routes:' .. ARGV[i])) do
                if n ~= self then
                  local users = byNode[n]
                  if not users then users = {}; byNode[n] = users end
                  users[#users + 1] = ARGV[i]
                end
              end
            end
            local reached = 0
            for n, users in pairs(byNode) do
              redis.call('PUBLISH', ns .. ':to:' .. n, table.concat(users, ',') .. '\\n' .. payload)
              reached = reached + 1
            end
            return reached
            """;

    /** ARGV: namespace, this node, user. The user's events now come to this node too. */
    static final String ARRIVED = """
            local ns, self, user = ARGV[1], ARGV[2], ARGV[3]
            redis.call('SADD', ns .. ':routes:' .. user, self)
            redis.call('SADD', ns .. ':node:' .. self .. ':users', user)
            return 1
            """;

    /** ARGV: namespace, this node, user. The user has no connection left here. */
    static final String LEFT = """
            local ns, self, user = ARGV[1], ARGV[2], ARGV[3]
            redis.call('SREM', ns .. ':routes:' .. user, self)
            redis.call('SREM', ns .. ':node:' .. self .. ':users', user)
            return 1
            """;

    /** ARGV: namespace, this node, user, device. The device has a connection on this node. */
    static final String DEVICE_OPENED = """
            local ns, self, user, device = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
            redis.call('SADD', ns .. ':devices:' .. user, device .. ':' .. self)
            redis.call('SADD', ns .. ':node:' .. self .. ':devices', user .. ':' .. device)
            return 1
            """;

    /** ARGV: namespace, this node, user, device. The device has no connection left on this node. */
    static final String DEVICE_CLOSED = """
            local ns, self, user, device = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
            redis.call('SREM', ns .. ':devices:' .. user, device .. ':' .. self)
            redis.call('SREM', ns .. ':node:' .. self .. ':devices', user .. ':' .. device)
            return 1
            """;

    /**
     * ARGV: namespace, asking node, user, device. 1 if the device has a connection on another node
     * whose heartbeat has not expired: a dead node's records stop counting before it is reaped. The
     * asking node's own records are skipped (its connections answer for it, and are newer).
     */
    static final String DEVICE_CONNECTED = """
            local ns, self, user, device = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
            for _, m in ipairs(redis.call('SMEMBERS', ns .. ':devices:' .. user)) do
              local d, n = string.match(m, '^([^:]+):([^:]+)$')
              if d == device and n ~= self and redis.call('EXISTS', ns .. ':alive:' .. n) == 1 then
                return 1
              end
            end
            return 0
            """;

    /**
     * ARGV: namespace, this node, user, online (1/0), time. Records this node's view and publishes
     * a presence change when the user's cluster-wide state changed.
     */
    static final String PRESENCE = """
            local ns, self, user, online, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
            local key = ns .. ':online:' .. user
            if online == '1' then
              redis.call('SADD', key, self)
              redis.call('SADD', ns .. ':node:' .. self .. ':online', user)
              if redis.call('SCARD', key) == 1 then
                redis.call('PUBLISH', ns .. ':all', 'P|' .. user .. '|1|' .. now)
              end
            else
              local removed = redis.call('SREM', key, self)
              redis.call('SREM', ns .. ':node:' .. self .. ':online', user)
              if removed == 1 and redis.call('SCARD', key) == 0 then
                redis.call('PUBLISH', ns .. ':all', 'P|' .. user .. '|0|' .. now)
              end
            end
            return 1
            """;

    /**
     * ARGV: namespace, dead node, time, force (1/0). Removes the node's presence (publishing who
     * went offline everywhere), routes and device records. Returns the users who went offline.
     * Unless forced (a node cleaning up after its own previous life, or leaving), a node whose
     * heartbeat key exists again is left alone: it came back after missing heartbeats and has
     * already written its records again (see {@link #HEARTBEAT}).
     */
    static final String REAP = """
            local ns, dead, now, force = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
            if force ~= '1' and redis.call('EXISTS', ns .. ':alive:' .. dead) == 1 then
              return {}
            end
            local offline = {}
            local onlineKey = ns .. ':node:' .. dead .. ':online'
            for _, user in ipairs(redis.call('SMEMBERS', onlineKey)) do
              local key = ns .. ':online:' .. user
              redis.call('SREM', key, dead)
              if redis.call('SCARD', key) == 0 then
                redis.call('PUBLISH', ns .. ':all', 'P|' .. user .. '|0|' .. now)
                offline[#offline + 1] = user
              end
            end
            redis.call('DEL', onlineKey)
            local usersKey = ns .. ':node:' .. dead .. ':users'
            for _, user in ipairs(redis.call('SMEMBERS', usersKey)) do
              redis.call('SREM', ns .. ':routes:' .. user, dead)
            end
            redis.call('DEL', usersKey)
            local devicesKey = ns .. ':node:' .. dead .. ':devices'
            for _, held in ipairs(redis.call('SMEMBERS', devicesKey)) do
              local user, device = string.match(held, '^([^:]+):([^:]+)$')
              redis.call('SREM', ns .. ':devices:' .. user, device .. ':' .. dead)
            end
            redis.call('DEL', devicesKey)
            redis.call('SREM', ns .. ':nodes', dead)
            return offline
            """;

    /**
     * ARGV: namespace, this node, ttl ms, ping. Renews the node's heartbeat key, lists the node,
     * and publishes {@code #<ping>} to the node's own channel (its arrival shows the subscription
     * works). Returns 1 if the heartbeat key was still there, 0 if it was gone: Redis lost its data
     * (restarted empty, flushed) or the node was reaped after missing heartbeats, and whatever
     * Redis held for this node must be written again.
     */
    static final String HEARTBEAT = """
            local ns, self, ttl, ping = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
            local key = ns .. ':alive:' .. self
            local was = redis.call('EXISTS', key)
            redis.call('SET', key, '1', 'PX', ttl)
            redis.call('SADD', ns .. ':nodes', self)
            redis.call('PUBLISH', ns .. ':to:' .. self, '#' .. ping)
            return was
            """;

    /**
     * ARGV: namespace, this node, user ids... Makes the node's routes exactly these users: adds the
     * node to each one's route set and removes it from users it no longer holds.
     */
    static final String SYNC_ROUTES = """
            local ns, self = ARGV[1], ARGV[2]
            local index = ns .. ':node:' .. self .. ':users'
            local want = {}
            for i = 3, #ARGV do want[ARGV[i]] = true end
            for _, user in ipairs(redis.call('SMEMBERS', index)) do
              if not want[user] then
                redis.call('SREM', ns .. ':routes:' .. user, self)
                redis.call('SREM', index, user)
              end
            end
            for i = 3, #ARGV do
              redis.call('SADD', ns .. ':routes:' .. ARGV[i], self)
              redis.call('SADD', index, ARGV[i])
            end
            return #ARGV - 2
            """;

    /**
     * ARGV: namespace, this node, {@code <user>:<device>}... Makes the node's device records exactly
     * these devices.
     */
    static final String SYNC_DEVICES = """
            local ns, self = ARGV[1], ARGV[2]
            local index = ns .. ':node:' .. self .. ':devices'
            local want = {}
            for i = 3, #ARGV do want[ARGV[i]] = true end
            for _, held in ipairs(redis.call('SMEMBERS', index)) do
              if not want[held] then
                local user, device = string.match(held, '^([^:]+):([^:]+)$')
                redis.call('SREM', ns .. ':devices:' .. user, device .. ':' .. self)
                redis.call('SREM', index, held)
              end
            end
            for i = 3, #ARGV do
              local user, device = string.match(ARGV[i], '^([^:]+):([^:]+)$')
              redis.call('SADD', ns .. ':devices:' .. user, device .. ':' .. self)
              redis.call('SADD', index, ARGV[i])
            end
            return #ARGV - 2
            """;

    /**
     * ARGV: namespace, this node, time, user ids... Makes the users online through this node
     * exactly these, publishing a presence change for each user whose cluster-wide state changed
     * (online somewhere for the first time, or online nowhere any more).
     */
    static final String SYNC_PRESENCE = """
            local ns, self, now = ARGV[1], ARGV[2], ARGV[3]
            local index = ns .. ':node:' .. self .. ':online'
            local want = {}
            for i = 4, #ARGV do want[ARGV[i]] = true end
            for _, user in ipairs(redis.call('SMEMBERS', index)) do
              if not want[user] then
                local key = ns .. ':online:' .. user
                local removed = redis.call('SREM', key, self)
                redis.call('SREM', index, user)
                if removed == 1 and redis.call('SCARD', key) == 0 then
                  redis.call('PUBLISH', ns .. ':all', 'P|' .. user .. '|0|' .. now)
                end
              end
            end
            for i = 4, #ARGV do
              local key = ns .. ':online:' .. ARGV[i]
              local added = redis.call('SADD', key, self)
              redis.call('SADD', index, ARGV[i])
              if added == 1 and redis.call('SCARD', key) == 1 then
                redis.call('PUBLISH', ns .. ':all', 'P|' .. ARGV[i] .. '|1|' .. now)
              end
            end
            return #ARGV - 3
            """;
}
