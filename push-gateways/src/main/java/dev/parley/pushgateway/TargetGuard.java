package dev.parley.pushgateway;

import dev.parley.core.ChatException;
import dev.parley.core.push.PushTarget;
import dev.parley.core.push.TargetCheck;
import org.apache.hc.client5.http.DnsResolver;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps push registrations from turning the node into a proxy into its own network (SSRF): a
 * target URL must be https, and every address its host resolves to must be public, not loopback,
 * private (RFC 1918, IPv6 unique-local), link-local (including cloud metadata at 169.254.169.254),
 * carrier-grade NAT, unspecified, multicast or reserved, also when written as another spelling of
 * an address ({@code 0177.0.0.1}, {@code 2130706433}, IPv4 inside IPv6). It is checked when the
 * target is registered and again before every request, on each redirect hop.
 *
 * <p>{@link #resolver()} makes the check the HTTP client's name resolution: the addresses a
 * request connects to are the ones checked, in the same look-up, so a name that resolves to a
 * public address for the check and to a private one a moment later (DNS rebinding) gets nowhere.
 * The request still names the host (Host header, TLS SNI and certificate check).
 *
 * <p>{@code allowLoopback} lets tests use push services on 127.0.0.1 and ::1; nothing else
 * private is ever allowed. Also refuses target kinds this node has no provider for.
 */
public final class TargetGuard implements TargetCheck {
    private final boolean allowLoopback;
    private final Set<String> kinds;
    private final NameResolver names;

    /** How a host name becomes addresses; the system resolver unless a test gives another. */
    @FunctionalInterface
    public interface NameResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** {@code kinds}: the target kinds (wire names) this node can send to. */
    public TargetGuard(boolean allowLoopback, Set<String> kinds) {
        this(allowLoopback, kinds, InetAddress::getAllByName);
    }

    public TargetGuard(boolean allowLoopback, Set<String> kinds, NameResolver names) {
        this.allowLoopback = allowLoopback;
        this.kinds = Set.copyOf(kinds);
        this.names = names;
    }

    @Override
    public void check(PushTarget target) {
        if (!kinds.contains(target.type())) {
            throw ChatException.invalid("push type '" + target.type() + "' is not configured on this node");
        }
        switch (target) {
            case PushTarget.WebPush w -> checkUrl(w.endpoint(), "endpoint");
            case PushTarget.Webhook w -> checkUrl(w.url(), "url");
            case PushTarget.Fcm f -> { }
            case PushTarget.Apns a -> { }
        }
    }

    /** The URL, if it may be called now; a {@code ChatException} (INVALID) naming {@code field} otherwise. */
    public URI checkUrl(String url, String field) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw ChatException.invalid("field '" + field + "' is not a valid URL");
        }
        checkUri(uri, field);
        return uri;
    }

    void checkUri(URI uri, String field) {
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw ChatException.invalid("field '" + field + "' must be an https URL with a host and no user info");
        }
        addresses(uri.getHost(), field);
    }

    /** Every address of {@code host}, all permitted; a {@code ChatException} (INVALID) otherwise. */
    InetAddress[] addresses(String host, String field) {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            InetAddress legacy = Ipv4Spellings.parse(name);
            addresses = legacy != null ? new InetAddress[]{legacy} : names.resolve(name);
        } catch (UnknownHostException e) {
            throw ChatException.invalid("field '" + field + "': host " + host + " cannot be resolved");
        }
        for (InetAddress a : addresses) {
            if (forbidden(a)) {
                throw ChatException.invalid("field '" + field + "': host " + host.toLowerCase(Locale.ROOT)
                        + " resolves to a loopback, private or link-local address (" + a.getHostAddress()
                        + "); push targets must be public");
            }
        }
        return addresses;
    }

    /** A look-up refused because the name resolved to an address push may not reach. */
    static final class RefusedAddress extends UnknownHostException {
        RefusedAddress(String message) {
            super(message);
        }
    }

    /** The HTTP client's name resolution: only checked addresses, or {@link RefusedAddress}. */
    DnsResolver resolver() {
        return new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                try {
                    return addresses(host, "url");
                } catch (ChatException e) {
                    throw new RefusedAddress(e.getMessage());
                }
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
    }

    boolean forbidden(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return !allowLoopback;
        }
        if (a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0                                         // "this network"
                    || (first == 100 && second >= 64 && second < 128) // carrier-grade NAT, RFC 6598
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    || (first == 198 && (second == 18 || second == 19))   // benchmarking, RFC 2544
                    || first >= 240;                                  // reserved and broadcast
        }
        if (a instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {
                return true;                                          // unique local fc00::/7
            }
            if (first == 0xfe && (b[1] & 0xc0) == 0xc0) {
                return true;                                          // deprecated site-local fec0::/10
            }
            boolean v4Compatible = true;                              // ::a.b.c.d and NAT64 64:ff9b::a.b.c.d
            for (int i = 0; i < 12; i++) {
                v4Compatible &= b[i] == 0;
            }
            boolean nat64 = first == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
            if (v4Compatible || nat64) {
                return embedded(b, 12);
            }
            if (first == 0x20 && (b[1] & 0xff) == 0x02) {
                return embedded(b, 2);                                // 6to4 2002:a.b.c.d::/48
            }
        }
        return false;
    }

    /** Whether the IPv4 address held in four bytes of an IPv6 address at {@code at} is forbidden. */
    private boolean embedded(byte[] b, int at) {
        try {
            return forbidden(InetAddress.getByAddress(new byte[]{b[at], b[at + 1], b[at + 2], b[at + 3]}));
        } catch (UnknownHostException e) {
            return true;
        }
    }
}
