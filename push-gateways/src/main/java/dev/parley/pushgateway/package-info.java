/**
 * The push gateways: {@link dev.parley.pushgateway.WebPushGateway} (RFC 8030 delivery, RFC 8291
 * encryption, RFC 8292 VAPID), {@link dev.parley.pushgateway.FcmGateway} (FCM HTTP v1 with a service
 * account's OAuth 2 token), {@link dev.parley.pushgateway.ApnsGateway} (APNs over HTTP/2 with ES256
 * provider tokens) and {@link dev.parley.pushgateway.WebhookGateway} (an HMAC-signed POST), behind
 * {@link dev.parley.pushgateway.PushGateways}; and {@link dev.parley.pushgateway.TargetGuard}, which keeps
 * registrations from pointing the node into its own network. JDK crypto; JSON as Jackson trees
 * ({@code Json}, {@code NotificationPayload}).
 */
package dev.parley.pushgateway;
