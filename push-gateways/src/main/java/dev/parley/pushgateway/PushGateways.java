package dev.parley.pushgateway;

import dev.parley.core.push.PushGateway;
import dev.parley.core.push.PushNotification;
import dev.parley.core.push.PushOutcome;
import dev.parley.core.push.PushTarget;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The node's push gateway: each notification goes to the provider of its target's kind. Web Push
 * is always available (the node makes its own VAPID keys); FCM, APNs and webhooks only when
 * configured, and registrations of a kind that is not are refused by {@link #guard()}.
 */
public final class PushGateways implements PushGateway {

    /**
     * What the providers need. FCM is on when {@code fcmServiceAccount} (the key file's JSON) is
     * given, APNs when {@code apnsKey} (the .p8 PEM) is, webhooks when {@code webhookSecret} is.
     */
    public record Settings(Path vapidFile, String vapidSubject,
                           String fcmServiceAccount, String fcmProjectId, URI fcmBaseUrl,
                           String apnsKey, String apnsKeyId, String apnsTeamId, String apnsTopic, URI apnsBaseUrl,
                           String webhookSecret, boolean allowLoopbackTargets, Path trustCertificates,
                           Duration requestTimeout) {
    }

    private final TargetGuard guard;
    private final VapidKeys vapid;
    private final WebPushGateway webPush;
    private final FcmGateway fcm;
    private final ApnsGateway apns;
    private final WebhookGateway webhook;

    private PushGateways(TargetGuard guard, VapidKeys vapid, WebPushGateway webPush, FcmGateway fcm, ApnsGateway apns,
                         WebhookGateway webhook) {
        this.guard = guard;
        this.vapid = vapid;
        this.webPush = webPush;
        this.fcm = fcm;
        this.apns = apns;
        this.webhook = webhook;
    }

    /** Builds the configured providers; fails with the setting's name when one is misconfigured. */
    public static PushGateways create(Settings s, Clock clock) {
        Set<String> kinds = new LinkedHashSet<>();
        kinds.add("webpush");
        boolean fcmOn = s.fcmServiceAccount() != null && !s.fcmServiceAccount().isBlank();
        boolean apnsOn = s.apnsKey() != null && !s.apnsKey().isBlank();
        boolean webhookOn = s.webhookSecret() != null && !s.webhookSecret().isBlank();
        if (fcmOn) {
            kinds.add("fcm");
        }
        if (apnsOn) {
            kinds.add("apns");
        }
        if (webhookOn) {
            kinds.add("webhook");
        }
        TargetGuard guard = new TargetGuard(s.allowLoopbackTargets(), kinds);
        PushHttp http = new PushHttp(s.trustCertificates(), s.requestTimeout(), guard);
        VapidKeys vapid = VapidKeys.loadOrCreate(s.vapidFile(), s.vapidSubject());
        FcmGateway fcm = null;
        if (fcmOn) {
            FcmGateway.ServiceAccount account = FcmGateway.ServiceAccount.parse(s.fcmServiceAccount());
            String project = s.fcmProjectId() != null ? s.fcmProjectId() : account.projectId();
            if (project == null) {
                throw new IllegalArgumentException("push.fcmProjectId: must be set (the service account names no project)");
            }
            fcm = new FcmGateway(http, account, project, s.fcmBaseUrl(), clock);
        }
        ApnsGateway apns = null;
        if (apnsOn) {
            if (s.apnsKeyId() == null || s.apnsTeamId() == null || s.apnsTopic() == null) {
                throw new IllegalArgumentException("push.apnsKeyId, push.apnsTeamId and push.apnsTopic: must be set with push.apnsKeyFile");
            }
            apns = new ApnsGateway(http, s.apnsBaseUrl(), Pem.privateKey(s.apnsKey(), "EC"), s.apnsKeyId(),
                    s.apnsTeamId(), s.apnsTopic(), clock);
        }
        WebhookGateway webhook = webhookOn ? new WebhookGateway(http, s.webhookSecret(), clock) : null;
        return new PushGateways(guard, vapid, new WebPushGateway(http, vapid, clock), fcm, apns, webhook);
    }

    /** Checks registrations: kinds this node can send to, https URLs that are not in its own network. */
    public TargetGuard guard() {
        return guard;
    }

    /** The VAPID public key browsers subscribe with. */
    public String vapidPublicKey() {
        return vapid.publicKeyBase64Url();
    }

    @Override
    public PushOutcome send(PushNotification n) {
        return switch (n.target()) {
            case PushTarget.WebPush w -> webPush.send(n, w);
            case PushTarget.Fcm f -> fcm == null ? notConfigured(f) : fcm.send(n, f);
            case PushTarget.Apns a -> apns == null ? notConfigured(a) : apns.send(n, a);
            case PushTarget.Webhook w -> webhook == null ? notConfigured(w) : webhook.send(n, w);
        };
    }

    private static PushOutcome notConfigured(PushTarget t) {
        return new PushOutcome.Failed(t.type() + " is not configured on this node");
    }
}
