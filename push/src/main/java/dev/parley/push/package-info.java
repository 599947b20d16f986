/**
 * The push gateways: {@link dev.parley.push.WebPushGateway} (RFC 8030 delivery, RFC 8291
 * encryption, RFC 8292 VAPID), {@link dev.parley.push.FcmGateway} (FCM HTTP v1 with a service
 * account's OAuth 2 token), {@link dev.parley.push.ApnsGateway} (APNs over HTTP/2 with ES256
 * provider tokens) and {@link dev.parley.push.WebhookGateway} (an HMAC-signed POST), behind
 * {@link dev.parley.push.PushGateways}; and {@link dev.parley.push.TargetGuard}, which keeps
 * registrations from pointing the node into its own network. JDK crypto; JSON as Jackson trees
 * ({@code Json}, {@code NotificationPayload}).
 */
package dev.parley.push;
