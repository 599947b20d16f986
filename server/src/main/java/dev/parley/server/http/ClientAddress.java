package dev.parley.server.http;

import io.netty.util.NetUtil;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The client address a request is counted against in the per-address limits. It is the peer of
 * the connection, unless that peer is one of the configured trusted proxies: then it is the
 * right-most address in {@code X-Forwarded-For} that is not a trusted proxy (what a client writes
 * to the left of that is not believed). An IPv6 address counts as its /64, since anyone holding
 * one address of a /64 usually holds them all.
 */
final class ClientAddress {
    private final Set<String> trustedProxies = new HashSet<>();

    ClientAddress(List<String> trustedProxies) {
        for (String p : trustedProxies) {
            this.trustedProxies.add(key(p.strip()));
        }
    }

    String of(RoutingContext ctx) {
        SocketAddress peer = ctx.request().remoteAddress();
        String address = peer == null || peer.hostAddress() == null ? "local" : key(peer.hostAddress());
        if (trustedProxies.isEmpty() || !trustedProxies.contains(address)) {
            return address;
        }
        List<String> forwarded = ctx.request().headers().getAll("X-Forwarded-For");
        for (int h = forwarded.size() - 1; h >= 0; h--) {
            String[] hops = forwarded.get(h).split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = key(hops[i].strip());
                if (!trustedProxies.contains(hop)) {
                    return hop;
                }
            }
        }
        return address;
    }

    /** The address in one spelling (IPv6 cut to its /64); anything that is not an address as given. */
    static String key(String address) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null) {
            return address;
        }
        if (bytes.length == 16 && mappedIpv4(bytes)) {
            return NetUtil.bytesToIpAddress(java.util.Arrays.copyOfRange(bytes, 12, 16));
        }
        if (bytes.length == 16) {
            for (int i = 8; i < 16; i++) {
                bytes[i] = 0;
            }
            return NetUtil.bytesToIpAddress(bytes) + "/64";
        }
        return NetUtil.bytesToIpAddress(bytes);
    }

    private static boolean mappedIpv4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
