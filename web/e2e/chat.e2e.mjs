// End-to-end test of the web client in headless Chromium, driven by playwright-core.
//
//   PARLEY_URL=http://127.0.0.1:8080 node web/e2e/chat.e2e.mjs
//
// Two browser users (alice on a phone-sized screen, bob on a desktop one) register, open a
// conversation, exchange messages, and see delivered and read ticks, typing, presence and unread
// counts; HTML in a message and in a group title shows as text; history pages back on scroll;
// the client resumes after the network drops, reloads a conversation the node says is too far
// behind (`resync`), and resumes after the node restarts (the last two when run by
// WebClientE2ETest, which sets a small catch-up limit and restarts the node on request).
// Ends with a screenshot of the chat.
//
// Environment: PARLEY_URL (the node), CHROMIUM (default /usr/bin/chromium), PARLEY_SCREENSHOT
// (default docs/images/web-chat.png), PARLEY_ARTIFACTS (where failure screenshots go),
// PARLEY_USER_SUFFIX (appended to usernames; default random, so a used node works too),
// PARLEY_MAX_CATCH_UP (the node's limits.maxCatchUp when set low, to exercise `resync`).
// Exit code 0 means every check passed.

import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { check, finish, log, step, watchProblems } from './harness.mjs';
import { exact, gone, message, TIMEOUT, visible } from './pages.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.PARLEY_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = resolve(process.env.PARLEY_SCREENSHOT ?? resolve(here, '../../docs/images/web-chat.png'));
const ARTIFACTS = resolve(process.env.PARLEY_ARTIFACTS ?? resolve(here, 'artifacts'));
const RESTART_HOOK = process.env.PARLEY_RESTART_HOOK === '1';
const MAX_CATCH_UP = Number(process.env.PARLEY_MAX_CATCH_UP ?? 0); // the node's limits.maxCatchUp, if small
const SUFFIX = process.env.PARLEY_USER_SUFFIX ?? `-${Math.random().toString(36).slice(2, 7)}`;
const XSS = '<img src=x onerror=alert(1)>';
const XSS_TITLE = 'Climbing <b>crew</b> <img src=x onerror=alert(2)>';
const SEEDED = 55; // more than one history page (50), so scroll-back has something to load

const alice = { name: `alice${SUFFIX}`, password: 'alice-secret-1' };
const bob = { name: `bob${SUFFIX}`, password: 'bob-secret-12' };

let seeded = null; // messages of history each user wrote
const problems = []; // page errors, dialogs, CSP violations: any of them fails the run
let browser;
const pages = {};

async function newUserPage(label, options) {
  const context = await browser.newContext({ ...options, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  watchProblems(page, label, problems);
  // What the node sent this page, by frame type: shows that a resume or resync really happened.
  const frames = { sockets: 0 };
  page.on('websocket', (ws) => {
    frames.sockets++;
    ws.on('framereceived', ({ payload }) => {
      const type = /"type"\s*:\s*"([a-z_]+)"/.exec(String(payload))?.[1] ?? '?';
      frames[type] = (frames[type] ?? 0) + 1;
    });
  });
  pages[label] = page;
  return { context, page, frames };
}

async function register(page, user) {
  await page.goto(`${BASE}/`);
  await page.getByRole('tab', { name: 'Create account' }).click();
  await page.fill('#login-username', user.name);
  await page.fill('#login-password', user.password);
  await page.locator('.login-form button[type="submit"]').click();
  await visible(page.locator('.sidebar-header'));
  check((await page.locator('.me-name').textContent()) === user.name, 'the header shows the signed-in user');
}

async function send(page, text) {
  const input = page.locator('.composer-input');
  await input.fill(text);
  await input.press('Enter');
  await visible(message(page, text, '.mine'));
}

async function openConversation(page, title) {
  await page.locator('.conv-item', { has: page.locator('.conv-name', { hasText: exact(title) }) }).locator('button').click();
  await visible(page.locator('.chat-title', { hasText: exact(title) }));
}

/** Seqs of the entries in the open chat, in document order. */
function seqsOnScreen(page) {
  return page.locator('.log [data-seq]').evaluateAll((els) => els.map((e) => Number(e.dataset.seq)));
}

// Earlier chat between the two, written by other devices of theirs before the browsers join in.
const HISTORY = [
  ['bob', 'Did you get the tickets for Friday?'],
  ['alice', 'Yes, two of them 🎟️'],
  ['bob', 'Great! What time does it start?'],
  ['alice', 'Doors at 7, music at 8'],
  ['bob', 'Shall we meet at the café first?'],
  ['alice', 'Sounds good. 6:30?'],
  ['bob', 'Perfect, see you there 👍'],
];

/**
 * Second devices of both users write `n` messages of history over the raw protocol, one at a
 * time so the conversation alternates. Returns how many each sent.
 */
async function seedHistory(n) {
  const { context, page } = await newUserPage('seeder', {});
  await page.goto(`${BASE}/`);
  const result = await page.evaluate(async ({ users, lines, n }) => {
    const post = async (path, body, token) => {
      const res = await fetch(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const connect = async (user) => {
      const { token } = await post('/v1/sessions', { username: user.name, password: user.password, deviceName: 'seeder' });
      const ws = new WebSocket(`ws://${location.host}/v1/ws`);
      const waiting = new Map();
      await new Promise((resolve, reject) => {
        ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }));
        ws.onerror = () => reject(new Error('seeder socket failed'));
        ws.onmessage = (e) => {
          const f = JSON.parse(e.data);
          if (f.type === 'ready') resolve();
          else if (f.type === 'sent') waiting.get(f.clientId)?.resolve();
          else if (f.type === 'error') (waiting.get(f.clientId)?.reject ?? reject)(new Error(JSON.stringify(f)));
        };
      });
      const send = (conversationId, clientId, body) => new Promise((resolve, reject) => {
        waiting.set(clientId, { resolve, reject });
        ws.send(JSON.stringify({ type: 'send', clientId, conversationId, body }));
      });
      return { token, ws, send };
    };
    const sockets = { alice: await connect(users.alice), bob: await connect(users.bob) };
    const { conversationId } = await post('/v1/conversations/direct', { username: users.alice.name }, sockets.bob.token);
    const sent = { alice: 0, bob: 0 };
    for (let i = 0; i < n; i++) {
      const [who, body] = lines[i % lines.length];
      await sockets[who].send(conversationId, `seed-${i}`, body);
      sent[who]++;
    }
    sockets.alice.ws.close();
    sockets.bob.ws.close();
    return { conversationId, sent };
  }, { users: { alice, bob }, lines: HISTORY, n });
  await context.close();
  return result;
}

/** Another device of `user` sends `bodies`, one after the other, to the conversation titled `title`. */
async function sendFromOtherDevice(user, title, bodies) {
  const { context, page } = await newUserPage('other-device', {});
  await page.goto(`${BASE}/`);
  await page.evaluate(async ({ user, title, bodies }) => {
    const json = async (method, path, body, token) => {
      const res = await fetch(path, {
        method,
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const { token } = await json('POST', '/v1/sessions', { username: user.name, password: user.password });
    const { conversations } = await json('GET', '/v1/conversations', null, token);
    const { conversationId } = conversations.find((c) => c.title === title);
    const ws = new WebSocket(`ws://${location.host}/v1/ws`);
    await new Promise((resolve, reject) => {
      let next = 0;
      const sendNext = () => ws.send(JSON.stringify({ type: 'send', clientId: `other-${next}`, conversationId, body: bodies[next] }));
      ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }));
      ws.onerror = () => reject(new Error('other device: socket failed'));
      ws.onmessage = (e) => {
        const f = JSON.parse(e.data);
        if (f.type === 'ready') sendNext();
        else if (f.type === 'sent' && ++next < bodies.length) sendNext();
        else if (f.type === 'sent') resolve();
        else if (f.type === 'error') reject(new Error(JSON.stringify(f)));
      };
    });
    ws.close();
  }, { user, title, bodies });
  await context.close();
}

const stdinLines = [];
let stdinWaiter = null;
if (RESTART_HOOK) {
  createInterface({ input: process.stdin }).on('line', (line) => {
    stdinLines.push(line.trim());
    stdinWaiter?.();
  });
}

/** Asks the harness (WebClientE2ETest) to stop the node and start it again on the same port. */
async function restartNode() {
  log('@@restart-node');
  const deadline = Date.now() + 60_000;
  while (!stdinLines.includes('@@restarted')) {
    if (Date.now() > deadline) throw new Error('the harness did not restart the node within 60 s');
    await new Promise((r) => {
      stdinWaiter = r;
      setTimeout(r, 500);
    });
  }
}

async function main() {
  log(`web client e2e against ${BASE} (chromium: ${CHROMIUM})`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright gives every launch a fresh temporary profile (it refuses --user-data-dir here).
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const a = await newUserPage('alice', { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const b = await newUserPage('bob', { viewport: { width: 1100, height: 720 } });
  const A = a.page;
  const B = b.page;

  await step('the page is served with a content security policy', async () => {
    const res = await A.goto(`${BASE}/`);
    const csp = res.headers()['content-security-policy'] ?? '';
    check(csp.includes("script-src 'self'") && csp.includes("style-src 'self'"), `CSP header present: ${csp}`);
  });

  await step('alice and bob register', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await A.screenshot({ path: resolve(ARTIFACTS, 'alice-login.png') });
    await register(A, alice);
    await register(B, bob);
  });

  await step(`their other devices write ${SEEDED} messages of history`, async () => {
    const r = await seedHistory(SEEDED);
    seeded = r.sent;
    // The open pages get it live: what the other one wrote counts as unread.
    await visible(B.locator('.conv-item .badge', { hasText: exact(String(r.sent.alice)) }));
    await visible(A.locator('.conv-item .badge', { hasText: exact(String(r.sent.bob)) }));
    await A.screenshot({ path: resolve(ARTIFACTS, 'alice-list.png') });
  });

  await step('alice opens the conversation with bob by username and sees him online', async () => {
    await A.getByRole('button', { name: 'New chat' }).click();
    await A.fill('#new-username', bob.name);
    await A.screenshot({ path: resolve(ARTIFACTS, 'alice-new-chat.png') });
    await A.getByRole('button', { name: 'Start chat' }).click();
    await visible(A.locator('.chat-title', { hasText: exact(bob.name) }));
    await visible(A.locator('.chat-subtitle', { hasText: exact('online') }));
  });

  const hello = 'Hi Bob! 👋';
  await step('alice sends; bob has not opened it: delivered ticks and an unread badge', async () => {
    await send(A, hello);
    await visible(message(A, hello, '.mine[data-status="delivered"]'));
    const row = B.locator('.conv-item', { has: B.locator('.conv-name', { hasText: exact(alice.name) }) });
    await visible(row.locator('.badge', { hasText: exact(String(seeded.alice + 1)) }));
    await visible(row.locator('.conv-preview', { hasText: exact(hello) }));
    check((await row.getAttribute('data-online')) === 'true', "bob's list shows alice online");
  });

  await step('bob opens it: read ticks for alice, the badge goes', async () => {
    await openConversation(B, alice.name);
    await visible(message(B, hello, '.theirs'));
    await visible(message(A, hello, '.mine[data-status="read"]'));
    await gone(B.locator('.conv-item .badge:visible'));
  });

  const reply = 'Hey Alice! Good to see you here.';
  await step('bob types: alice sees "typing…"; he sends and it clears', async () => {
    const input = B.locator('.composer-input');
    await input.click();
    await input.pressSequentially(reply, { delay: 35 });
    await visible(A.locator('.chat-subtitle.typing', { hasText: 'typing…' }));
    await visible(A.locator('.typing-row', { hasText: `${bob.name} is typing…` }));
    await input.press('Enter');
    await visible(message(A, reply, '.theirs'));
    await gone(A.locator('.typing-row'));
    await visible(message(B, reply, '.mine[data-status="read"]'));
  });

  await step('a message of HTML shows as text on both sides, and runs nothing', async () => {
    await send(A, XSS);
    await visible(message(B, XSS, '.theirs'));
    await visible(message(A, XSS, '.mine[data-status="read"]'));
    for (const page of [A, B]) {
      check((await page.locator('img').count()) === 0, 'no <img> element was created');
      check((await message(page, XSS).locator('.body').textContent()) === XSS, 'the body is the literal text');
    }
  });

  await step('bob creates a group whose title is HTML; alice sees the title as text', async () => {
    await B.getByRole('button', { name: 'New group' }).click();
    await B.fill('#new-title', XSS_TITLE);
    await B.fill('#new-members', alice.name);
    await B.getByRole('button', { name: 'Create group' }).click();
    await visible(B.locator('.chat-title', { hasText: exact(XSS_TITLE) }));
    await visible(B.locator('.event', { hasText: `You created the group “${XSS_TITLE}”` }));
    await send(B, 'Welcome to the group!');
    // Alice is in her chat with bob; on a phone the list is one step back.
    await A.getByRole('button', { name: 'Back to conversations' }).click();
    const row = A.locator('.conv-item', { has: A.locator('.conv-name', { hasText: exact(XSS_TITLE) }) });
    await visible(row);
    await visible(row.locator('.conv-preview', { hasText: exact(`${bob.name}: Welcome to the group!`) }));
    await openConversation(A, XSS_TITLE);
    await visible(A.locator('.event', { hasText: `${bob.name} created the group “${XSS_TITLE}”` }));
    await visible(message(A, 'Welcome to the group!', '.theirs'));
    await visible(A.locator('.msg.theirs .sender', { hasText: exact(bob.name) }));
    await visible(message(B, 'Welcome to the group!', '.mine[data-status="read"]'));
    for (const page of [A, B]) check((await page.locator('img').count()) === 0, 'no <img> from the title');
    await A.getByRole('button', { name: 'Back to conversations' }).click();
    await openConversation(A, bob.name);
    await openConversation(B, alice.name);
  });

  await step('alice loses the network: messages both ways arrive once it is back', async () => {
    const socketsBefore = a.frames.sockets;
    await a.context.setOffline(true);
    await visible(A.locator('.conn-banner'));
    await send(B, 'Are you still there?');
    const queued = 'Sorry, my train went into a tunnel 🚇';
    await send(A, queued);
    await visible(message(A, queued, '[data-status="pending"]'));
    check((await message(A, 'Are you still there?').count()) === 0, 'nothing arrives while offline');
    await a.context.setOffline(false);
    await visible(message(A, 'Are you still there?', '.theirs'));
    await visible(message(B, queued, '.theirs'));
    await visible(message(A, queued, '.mine[data-status="read"]'));
    await visible(message(B, 'Are you still there?', '.mine[data-status="read"]'));
    await gone(A.locator('.conn-banner'));
    check((await message(B, queued).count()) === 1, 'the queued message arrived exactly once');
    check(a.frames.sockets > socketsBefore, 'alice resumed on a new connection');
  });

  if (MAX_CATCH_UP > 0) {
    await step(`alice misses more than the node replays (${MAX_CATCH_UP}): resync reloads the group`, async () => {
      await A.getByRole('button', { name: 'Back to conversations' }).click();
      await openConversation(A, XSS_TITLE);
      const resyncsBefore = a.frames.resync ?? 0;
      await a.context.setOffline(true);
      await visible(A.locator('.conn-banner'));
      const burst = Array.from({ length: MAX_CATCH_UP + 10 }, (_, i) => `Group news ${i + 1}`);
      await sendFromOtherDevice(bob, XSS_TITLE, burst);
      await a.context.setOffline(false);
      await visible(message(A, burst[burst.length - 1], '.theirs'));
      await gone(A.locator('.conn-banner'));
      const seqs = await seqsOnScreen(A);
      check(seqs.every((s, i) => i === 0 || s === seqs[i - 1] + 1), `group entries in order, no gaps or repeats: ${seqs}`);
      check((await message(A, burst[burst.length - 1]).count()) === 1, 'the newest entry is shown once');
      check((a.frames.resync ?? 0) > resyncsBefore, 'the node answered the resume with resync');
      await A.getByRole('button', { name: 'Back to conversations' }).click();
      await openConversation(A, bob.name);
    });
  } else {
    log('  --  resync skipped (needs PARLEY_MAX_CATCH_UP, the node\'s limits.maxCatchUp, from WebClientE2ETest)');
  }

  if (RESTART_HOOK) {
    await step('the node restarts: both clients reconnect and carry on', async () => {
      const sockets = [a.frames.sockets, b.frames.sockets];
      await restartNode();
      await send(B, 'No worries! Still on for climbing on Saturday?');
      await visible(message(A, 'No worries! Still on for climbing on Saturday?', '.theirs'), 45_000);
      await send(A, 'Yes! 10am at the wall 🧗');
      await visible(message(B, 'Yes! 10am at the wall 🧗', '.theirs'));
      await visible(message(A, 'Yes! 10am at the wall 🧗', '.mine[data-status="read"]'));
      await gone(A.locator('.conn-banner'));
      await gone(B.locator('.conn-banner'));
      check(a.frames.sockets > sockets[0] && b.frames.sockets > sockets[1], 'both opened new connections');
    });
  } else {
    log('  --  node restart skipped (needs PARLEY_RESTART_HOOK=1 from WebClientE2ETest)');
    await send(B, 'No worries! Still on for climbing on Saturday?');
    await send(A, 'Yes! 10am at the wall 🧗');
  }

  await step('after a reload alice pages back through history by scrolling up', async () => {
    await A.reload();
    await openConversation(A, bob.name);
    await visible(message(A, 'Yes! 10am at the wall 🧗'));
    const before = await seqsOnScreen(A);
    check(!before.includes(1), `only recent history is loaded at first (have ${before[0]}..)`);
    const first = A.locator('.msg[data-seq="1"]');
    for (let i = 0; i < 20 && (await first.count()) === 0; i++) {
      await A.locator('.messages').evaluate((el) => el.scrollTo({ top: 0 }));
      await A.waitForTimeout(250);
    }
    await first.waitFor({ state: 'attached' });
    const after = await seqsOnScreen(A);
    check(after.every((s, i) => i === 0 || s === after[i - 1] + 1), 'entries are in seq order with no gaps or repeats');
    check(after[0] === 1, 'history reaches the first entry');
  });

  await step('screenshot of the chat view', async () => {
    await A.locator('.messages').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    const input = B.locator('.composer-input');
    await input.click();
    await input.pressSequentially('I’ll bring the ro', { delay: 30 });
    await visible(A.locator('.typing-row'));
    await A.waitForTimeout(300);
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await A.screenshot({ path: SCREENSHOT });
    await B.screenshot({ path: resolve(ARTIFACTS, 'bob-desktop.png') });
    log(`      saved ${SCREENSHOT}`);
  });

  check(problems.length === 0, `no page errors, dialogs or CSP violations:\n    ${problems.join('\n    ')}`);
}

await finish('web client e2e', main, { browser: () => browser, pages, problems, artifacts: ARTIFACTS, prefix: 'failure-' });
