// Notifications while no tab is connected: the service worker (sw.js) receives the node's Web
// Push messages and shows them. This module registers the worker, subscribes with the node's VAPID
// key and hands the subscription to the node (docs/protocol.md, "Push notifications").

/** Whether this browser can receive Web Push at all (a secure context with service workers). */
export function notificationsSupported() {
  return window.isSecureContext && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** 'granted', 'denied', 'default', or 'unsupported'. */
export function notificationState() {
  return notificationsSupported() ? Notification.permission : 'unsupported';
}

function keyBytes(base64url) {
  const s = atob(base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/**
 * Registers the service worker, which shows pushes and opens conversations from them. Resolves to
 * the registration, or null where the browser cannot have notifications. Registering again is
 * cheap and also picks up an upgraded node's worker.
 */
export async function registerWorker() {
  if (!notificationsSupported()) return null;
  return navigator.serviceWorker.register('sw.js');
}

/**
 * Asks for permission (call it from a click), subscribes, and registers the subscription as this
 * device's push target. Resolves true when notifications are on, false when permission was not
 * given; rejects when they could not be turned on.
 */
export async function enableNotifications(api) {
  if (!notificationsSupported()) return false;
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return false;
  const registration = await registerWorker();
  await navigator.serviceWorker.ready;
  const { publicKey } = await api.request('GET', '/v1/push/vapid-public-key');
  let subscription = await registration.pushManager.getSubscription();
  const key = keyBytes(publicKey);
  const current = subscription?.options?.applicationServerKey;
  if (subscription && current && new Uint8Array(current).join() !== key.join()) {
    await subscription.unsubscribe(); // the node's key changed: the old subscription is useless
    subscription = null;
  }
  if (!subscription) {
    try {
      subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    } catch (e) {
      // The browser's push service refused or is out of reach (no route to it, a browser built
      // without one): say so in words, keeping the browser's own reason.
      throw new Error(`this browser's push service did not accept the subscription (${e.message})`);
    }
  }
  const json = subscription.toJSON();
  await api.request('PUT', '/v1/devices/current/push', { type: 'webpush', endpoint: json.endpoint, keys: json.keys });
  return true;
}

/**
 * After sign-in (a new device on the node), subscribes again where notifications were allowed
 * before, without asking. Resolves true when they are on, false when they were never allowed;
 * rejects when they could not be turned on.
 */
export async function renewNotifications(api) {
  if (notificationState() !== 'granted') return false;
  return enableNotifications(api);
}

/** Calls `open(id)` when a notification is clicked while a tab is open. */
export function onNotificationOpen(open) {
  if (!('serviceWorker' in navigator)) return () => {};
  const listener = (event) => {
    if (event.data?.type === 'open-conversation' && event.data.conversationId) open(event.data.conversationId);
  };
  navigator.serviceWorker.addEventListener('message', listener);
  return () => navigator.serviceWorker.removeEventListener('message', listener);
}

/** The conversation a notification click opened in a new tab (`#c<id>`), once. */
export function conversationFromLocation() {
  const m = /^#c(\d+)$/.exec(location.hash);
  if (!m) return null;
  history.replaceState(history.state, '', location.pathname + location.search);
  return Number(m[1]);
}
