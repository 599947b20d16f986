// Entry point: the session (token in localStorage), the screens (sign-in, or list + chat), and
// the wiring between views and the Sync engine. Every call to the node goes through the
// JavaScript SDK (sdk/index.js, served from clients/js/src/index.js). Narrow screens show one pane
// at a time; the browser's back button leaves a chat, as on a phone.

import { ParleyClient, ParleyError, login, register } from './sdk/index.js';
import { h, setText } from './dom.js';
import { icon } from './icons.js';
import { Store } from './store.js';
import { Sync } from './sync.js';
import { avatar, updateAvatar } from './views/common.js';
import { ChatView } from './views/chat.js';
import { newConversationDialog } from './views/dialogs.js';
import { accountDialog, reportDialog } from './views/account.js';
import { notificationsBell } from './views/bell.js';
import { ListView } from './views/list.js';
import { SearchView } from './views/search.js';
import { loginView } from './views/login.js';
import { conversationFromLocation, onNotificationOpen, registerWorker } from './notifications.js';

const SESSION_KEY = 'parley.session';
const root = document.getElementById('app');
let current = null; // the signed-in shell, if any

function loadSession() {
  try {
    const s = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null');
    return s && typeof s.token === 'string' ? s : null;
  } catch (e) {
    return null;
  }
}

function deviceName() {
  const ua = navigator.userAgent;
  const browser = /Firefox\//.test(ua) ? 'Firefox' : /Edg\//.test(ua) ? 'Edge' : /Chrom(e|ium)\//.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) ? 'Safari' : 'browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS/.test(ua) ? 'macOS'
    : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
  return `Web: ${browser}${os ? ` on ${os}` : ''}`;
}

/** The node's error codes, said for people. */
function explain(err, context) {
  if (!(err instanceof ParleyError)) return err.message;
  switch (err.code) {
    case 'network': return 'Cannot reach the server. Check your connection and try again.';
    case 'invalid_credentials': return 'Wrong username or password.';
    case 'username_taken': return 'That username is taken.';
    case 'account_disabled': return 'This account has been disabled.';
    case 'rate_limited': return 'Too many attempts. Wait a moment and try again.';
    case 'unavailable': return 'The server is busy. Try again in a moment.';
    case 'registration_closed': return 'This server does not take new accounts. Ask its administrator.';
    case 'invite_required': return 'This server needs a valid invite code to create an account.';
    case 'not_found': return context === 'user' ? 'No user has that username.' : err.message;
    case 'unreachable': return context === 'user' ? 'You cannot start a chat with this person.' : 'This person is not receiving your messages here.';
    case 'unsupported_media_type': return 'That file is not a picture this server takes (PNG, JPEG or WebP).';
    case 'too_large': return err.message || 'That is too large.';
    case 'invalid_field': return context === 'user' ? 'That is you; pick someone else.' : err.message;
    default: return err.message || 'Something went wrong.';
  }
}

function showLogin(notice) {
  current?.destroy();
  current = null;
  document.title = 'Parley';
  root.replaceChildren(loginView({
    notice,
    async submit(mode, username, password, invite) {
      try {
        if (mode === 'register') await register(location.origin, username, password, { invite });
        const device = await login(location.origin, username, password, deviceName());
        const session = { token: device.token, userId: device.userId, deviceId: device.deviceId, username };
        localStorage.setItem(SESSION_KEY, JSON.stringify(session));
        showShell(session);
      } catch (err) {
        throw new Error(explain(err));
      }
    },
  }));
  document.getElementById('login-username')?.focus();
}

function signedOut(notice) {
  current?.store.clearOutbox();
  localStorage.removeItem(SESSION_KEY);
  showLogin(notice);
}

function showShell(session) {
  current?.destroy();
  const client = new ParleyClient({ token: session.token, userId: session.userId, deviceId: session.deviceId });
  const store = new Store(session);
  const sync = new Sync({
    client, store,
    // Several requests in flight may all be refused; the first one signs out.
    onRejected: (closeCode) => current?.store === store && signedOut(closeCode === 4004 ? 'This account has been disabled.'
      : closeCode === 4005 ? 'This account was deleted.' : closeCode === undefined ? 'Your session ended. Please sign in again.'
        : 'You were signed out. Please sign in again.'),
  });

  const shell = h('div', { class: 'shell', dataset: { pane: 'list' } });
  const banner = connectionBanner(store, sync);
  const list = new ListView(store, { onOpen: (id) => openChat(id) });
  const search = new SearchView(store, client, {
    onActive: (active) => { list.el.hidden = active; },
    async onOpenAt(id, seq) {
      openChat(id);
      try {
        await sync.loadAround(id, seq);
      } catch (err) {
        // The chat opened at its end; the hit stays in the results.
      }
      chat.showSeq(seq);
    },
  });
  const report = reportDialog({ api: client, explain });
  const chat = new ChatView(store, sync, {
    onBack: () => leaveChat(),
    onReport: (c) => report.show(c),
    onError: (err, say) => say(explain(err)),
  });
  const account = accountDialog({ store, api: client, explain, onDeleted: () => signedOut('Your account was deleted.') });
  const dialog = newConversationDialog({
    async direct(username) {
      try {
        openChat(await sync.openDirect(username));
      } catch (err) {
        throw new Error(explain(err, 'user'));
      }
    },
    async group(title, usernames) {
      try {
        openChat(await sync.createGroup(title, usernames));
      } catch (err) {
        throw new Error(explain(err));
      }
    },
  });

  const meAvatar = avatar({ name: session.username, size: 'avatar-sm' });
  const meName = h('p', { class: 'me-name', text: session.username });
  const sidebar = h('aside', { class: 'sidebar' },
    h('header', { class: 'sidebar-header' },
      h('button', { class: 'me-button', type: 'button', title: 'Profile and account', attrs: { 'aria-label': 'Profile and account' },
        on: { click: () => account.show() } },
      meAvatar,
      h('div', { class: 'me' }, h('h1', { class: 'app-title', text: 'Chats' }), meName)),
      h('button', { class: 'icon-btn', type: 'button', title: 'New chat', attrs: { 'aria-label': 'New chat' }, on: { click: () => dialog.show('direct') } }, icon('compose')),
      h('button', { class: 'icon-btn', type: 'button', title: 'New group', attrs: { 'aria-label': 'New group' }, on: { click: () => dialog.show('group') } }, icon('group')),
      notificationsBell(client, explain),
      h('button', { class: 'icon-btn', type: 'button', title: 'Sign out', attrs: { 'aria-label': 'Sign out' }, on: { click: () => signOut() } }, icon('logout')),
    ),
    search.field,
    search.panel,
    list.el,
  );
  shell.append(banner.el, h('div', { class: 'panes' }, sidebar, chat.el), dialog.el, account.el, report.el);
  root.replaceChildren(shell);
  updateAvatar(meAvatar, { name: session.username });
  // The header shows the user's display name and picture, and follows their changes.
  store.subscribe((c) => {
    if (c.type !== 'profile' || c.id !== store.me) return;
    const shown = store.shownName(store.me) ?? session.username;
    setText(meName, shown);
    meName.title = `@${session.username}`;
    updateAvatar(meAvatar, { name: shown, src: store.avatarOf(store.me) });
  });

  // At every sign-in, whatever the permission, so the worker is in place (an upgraded node's one
  // included) before any push can arrive. Where it cannot be registered the chat works all the
  // same, without notifications.
  registerWorker().catch(() => {});
  const stopNotificationClicks = onNotificationOpen((id) => openChat(id));

  function openChat(id, fromHistory = false) {
    if (!store.conversation(id)) return;
    chat.toggleMenu(false);
    if (!fromHistory) {
      // One history entry for "in a chat", so the phone's back gesture returns to the list.
      if (history.state?.chat) history.replaceState({ chat: id }, '');
      else history.pushState({ chat: id }, '');
    }
    shell.dataset.pane = 'chat';
    list.select(id);
    chat.open(id);
    sync.open(id);
    if (matchMedia('(min-width: 720px)').matches) chat.focusComposer();
    updateTitle();
  }

  function leaveChat() {
    if (history.state?.chat) history.back(); // popstate closes the chat
    else closeChat();
  }

  function closeChat() {
    shell.dataset.pane = 'list';
    chat.close();
    sync.close();
    list.select(null);
    updateTitle();
  }

  function onPopState(e) {
    const id = e.state?.chat;
    if (id && store.conversation(id)) openChat(id, true);
    else closeChat();
  }
  window.addEventListener('popstate', onPopState);
  if (history.state?.chat) history.replaceState(null, '');

  async function signOut() {
    try {
      await client.logout();
    } catch (e) {
      // Signed out locally either way; the token is forgotten below.
    }
    signedOut();
  }

  // The tab title counts unread conversations, visible from other tabs.
  function updateTitle() {
    const unread = store.sorted().filter((c) => c.unread > 0).length;
    document.title = unread ? `(${unread}) Parley` : 'Parley';
  }
  const unsubscribe = store.subscribe((c) => {
    if (c.type === 'list') updateTitle();
  });

  current = {
    store,
    destroy() {
      unsubscribe();
      stopNotificationClicks();
      window.removeEventListener('popstate', onPopState);
      sync.stop();
    },
  };
  sync.start();
  const clicked = conversationFromLocation();
  if (clicked) {
    const openWhenKnown = store.subscribe((c) => {
      if (c.type === 'list' && store.conversation(clicked)) {
        openWhenKnown();
        openChat(clicked);
      }
    });
  }
}

/** A bar above everything while the connection is not live: why, and when it tries again. */
function connectionBanner(store, sync) {
  const text = h('span', { class: 'banner-text' });
  const retry = h('button', { type: 'button', class: 'link-btn', text: 'Retry now', on: { click: () => sync.retryNow() } });
  const el = h('div', { class: 'conn-banner', hidden: true, attrs: { role: 'status', 'aria-live': 'polite' } }, text, retry);
  let countdown = null;
  let slow = null;

  function draw() {
    const { state, info } = store.connection;
    clearInterval(countdown);
    clearTimeout(slow);
    el.dataset.state = state;
    retry.hidden = state !== 'waiting' && state !== 'pulling';
    if (state === 'live' || state === 'syncing' || state === 'idle' || state === 'stopped' || state === 'closed') {
      el.hidden = true;
    } else if (state === 'pulling') {
      // Messages still come (long polls); typing and presence need the WebSocket.
      setText(text, 'This network blocks live updates: messages still arrive, typing and presence do not.');
      el.hidden = false;
    } else if (state === 'connecting') {
      // A connection usually takes a blink; say something only when it does not.
      setText(text, 'Connecting…');
      slow = setTimeout(() => (el.hidden = false), 1_000);
    } else if (state === 'waiting') {
      const tick = () => {
        const secs = Math.max(0, Math.ceil((info.retryAt - Date.now()) / 1000));
        setText(text, info.offline ? 'You are offline. Waiting for the network…' : `Not connected. Retrying in ${secs} s…`);
      };
      tick();
      countdown = setInterval(tick, 1000);
      el.hidden = false;
    }
  }
  store.subscribe((c) => {
    if (c.type === 'connection') draw();
  });
  draw();
  return { el };
}

const session = loadSession();
if (session) showShell(session);
else showLogin();
