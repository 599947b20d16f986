// The service worker: shows the node's Web Push notifications and opens the conversation when one
// is clicked. The payload is the JSON of docs/push.md ("What a notification carries"); with
// `push.content: minimal` it has no sender or preview.

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    // Not JSON: show a plain notification below.
  }
  const unread = Number(data.unread) || 0;
  // A message request's one notice is quiet: no sender, no text, no sound.
  const request = data.type === 'request';
  const title = request ? 'New message request' : data.sender || 'New message';
  const body = request ? 'Someone you have not talked to wants to send you messages'
    : data.preview || (unread > 1 ? `${unread} unread messages` : 'You have a new message');
  event.waitUntil((async () => {
    // A visible tab already shows the message; do not notify over it.
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    if (windows.some((w) => w.visibilityState === 'visible' && w.focused)) return;
    await self.registration.showNotification(title, {
      body,
      tag: data.conversationId ? `c${data.conversationId}` : 'parley',
      renotify: !request,
      silent: request,
      icon: 'icon.svg',
      data: { conversationId: data.conversationId ?? null },
    });
  })());
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const id = event.notification.data?.conversationId;
  const url = new URL(id ? `./#c${id}` : './', self.registration.scope).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const w of windows) {
      if (new URL(w.url).origin === self.location.origin) {
        await w.focus();
        w.postMessage({ type: 'open-conversation', conversationId: id });
        return;
      }
    }
    await self.clients.openWindow(url);
  })());
});
