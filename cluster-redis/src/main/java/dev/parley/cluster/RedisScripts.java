package dev.parley.cluster;

/**
 * The Lua scripts the cluster runs on Redis, each atomic. Every script takes the key namespace as
 * its first argument (see {@link Keys}).
 */
final class RedisScripts {
    private RedisScripts() {
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
     * ARGV: namespace, dead node, time. Removes the node's presence (publishing who went offline
     * everywhere), routes and device records. Returns the users who went offline.
     */
    static final String REAP = """
            local ns, dead, now = ARGV[1], ARGV[2], ARGV[3]
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
}
