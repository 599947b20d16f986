// Browser test of the web client where WebSockets cannot get through (a proxy that refuses the
// upgrade), in headless Chromium (playwright-core):
//
//   PARLEY_URL=http://127.0.0.1:8080 node web/e2e/fallback.e2e.mjs
//
// Every WebSocket Ana's browser opens is closed at once. Her client (the JavaScript SDK) falls back
// to long polls (POST /v1/sync) and says so in the banner; she and Ben, who has a WebSocket,
// chat both ways: his message reaches her, hers reaches him, read ticks follow, and her message
// queued while the node is unreachable goes once it answers again.
//
// Environment: PARLEY_URL, CHROMIUM (default /usr/bin/chromium), PARLEY_ARTIFACTS, PARLEY_USER_SUFFIX.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { check, finish, log, step, watchProblems } from './harness.mjs';
import { exact, message, openRow, register, send, TIMEOUT, visible } from './pages.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.PARLEY_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(process.env.PARLEY_ARTIFACTS ?? resolve(here, 'artifacts'));
const SUFFIX = process.env.PARLEY_USER_SUFFIX ?? `-${Math.random().toString(36).slice(2, 7)}`;

const ana = { name: `ana${SUFFIX}`, password: 'ana-secret-12' };
const ben = { name: `ben${SUFFIX}`, password: 'ben-secret-12' };

const problems = [];
let browser;
const pages = {};

async function newUserPage(label, { blockWebSockets = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB', timezoneId: 'Europe/London' });
  const sockets = { opened: 0, frames: 0 };
  if (blockWebSockets) {
    // As a proxy that breaks the upgrade: the socket never reaches the node and closes at once.
    await context.routeWebSocket(/\/v1\/ws$/, (ws) => {
      sockets.opened++;
      ws.close({ code: 1011, reason: 'blocked' });
    });
  }
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('websocket', (ws) => ws.on('framereceived', () => sockets.frames++));
  watchProblems(page, label, problems);
  pages[label] = page;
  return { page, context, sockets };
}

async function main() {
  log(`web client fallback e2e against ${BASE} (chromium: ${CHROMIUM})`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const a = await newUserPage('ana', { blockWebSockets: true });
  const b = await newUserPage('ben');
  const A = a.page;
  const B = b.page;

  await step('ana, whose WebSockets are blocked, signs in: her client long-polls and says so', async () => {
    await register(A, BASE, ana);
    await register(B, BASE, ben);
    await visible(A.locator('.conn-banner', { hasText: 'This network blocks live updates' }));
    check(a.sockets.opened >= 3, `the client tried the WebSocket first (${a.sockets.opened} tries)`);
  });

  await step('ben writes to ana: it reaches her by long poll, and she reads it', async () => {
    await B.getByRole('button', { name: 'New chat' }).click();
    await B.fill('#new-username', ana.name);
    await B.getByRole('button', { name: 'Start chat' }).click();
    await visible(B.locator('.chat-title', { hasText: exact(ana.name) }));
    await send(B, 'Can you read me through that proxy?');
    await visible(A.locator('.conv-item .conv-preview', { hasText: exact('Can you read me through that proxy?') }));
    await openRow(A, ben.name);
    await visible(message(A, 'Can you read me through that proxy?', '.theirs'));
    await visible(message(B, 'Can you read me through that proxy?', '.mine[data-status="read"]'));
  });

  await step('ana answers over REST: ben sees it, and her ticks follow his reading', async () => {
    await send(A, 'Loud and clear, just no typing dots.');
    await visible(message(B, 'Loud and clear, just no typing dots.', '.theirs'));
    await visible(message(A, 'Loud and clear, just no typing dots.', '.mine[data-status="read"]'));
  });

  await step('ana loses the network: her message waits, and goes once it is back', async () => {
    await a.context.setOffline(true);
    const queued = 'Sent from the tunnel';
    await send(A, queued);
    await visible(message(A, queued, '[data-status="pending"]'));
    await a.context.setOffline(false);
    await visible(message(B, queued, '.theirs'));
    await visible(message(A, queued, '.mine[data-status="read"]'));
    check((await message(B, queued).count()) === 1, 'the queued message arrived exactly once');
    check(a.sockets.frames === 0, 'ana never had a working WebSocket');
  });

  check(problems.length === 0, `no page errors, dialogs or CSP violations:\n    ${problems.join('\n    ')}`);
}

await finish('web client fallback e2e', main, { browser: () => browser, pages, problems, artifacts: ARTIFACTS, prefix: 'fallback-failure-' });
