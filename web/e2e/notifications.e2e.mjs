// Browser test of the web client's notifications in headless Chromium, driven by playwright-core.
//
//   PARLEY_URL=http://127.0.0.1:8080 node web/e2e/notifications.e2e.mjs
//
// After sign-in the client offers notifications (the bell in the sidebar header) and its service
// worker (sw.js) is registered and activated. Headless Chromium has no push service to subscribe
// with: where permission is granted (through the browser context) the client's attempt to
// subscribe fails, and the check is that the failure shows on the bell, can be retried, registers
// no push target, and breaks nothing on the page. Then a stand-in push service in the page (a
// subscription with a real P-256 key) shows the client registering its subscription with the
// node, and a push delivered to the service worker through DevTools (as the browser's push
// service would) shows the worker's notification. The node must accept loopback push targets
// (push.allowLoopbackTargets, as WebClientE2ETest sets it).
//
// Environment: PARLEY_URL (the node), CHROMIUM (default /usr/bin/chromium), PARLEY_ARTIFACTS
// (where failure screenshots go). Exit code 0 means every check passed.

import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { check, finish, log, step, watchProblems } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.PARLEY_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(process.env.PARLEY_ARTIFACTS ?? resolve(here, 'artifacts'));
const TIMEOUT = 15_000;

const carol = { name: `carol-${Math.random().toString(36).slice(2, 7)}`, password: 'carol-secret-1' };

const problems = []; // page errors, dialogs, CSP violations: any of them fails the run
let browser;
const pages = {};

async function newPage(label, options, initScript) {
  const context = await browser.newContext({ ...options, locale: 'en-GB', timezoneId: 'Europe/London' });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  watchProblems(page, label, problems);
  // Push targets the page sent to the node, and the node's answers to them.
  const targets = [];
  const accepted = [];
  page.on('response', (r) => {
    if (r.request().method() !== 'PUT' || new URL(r.url()).pathname !== '/v1/devices/current/push') return;
    targets.push(r.url());
    if (r.status() === 204) accepted.push(r.url());
  });
  pages[label] = page;
  return { context, page, targets, accepted };
}

/**
 * Runs in the page before the client: a push service for a browser that has none. Subscribing
 * returns a subscription with a real P-256 key and a random auth secret, as a browser's would; its
 * endpoint is on loopback, which the node accepts when the test allows loopback targets.
 */
function standInPushService() {
  // Runs on every document, about:blank too (no PushManager, no crypto.subtle): only where a
  // client could subscribe, and only when it does.
  if (typeof PushManager === 'undefined') return;
  let current = null;
  async function make() {
    const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    const b64url = (b) => btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const keys = { p256dh: b64url(raw), auth: b64url(crypto.getRandomValues(new Uint8Array(16))) };
    const endpoint = 'https://127.0.0.1:9/push-service-stand-in/e2e';
    return { endpoint, toJSON: () => ({ endpoint, keys }), unsubscribe: async () => true };
  }
  PushManager.prototype.subscribe = async function subscribe() {
    current ??= await make();
    return current;
  };
  PushManager.prototype.getSubscription = async function getSubscription() {
    return current;
  };
}

/** The service worker's registration id in Chromium (for DevTools' ServiceWorker domain). */
async function registrationId(context, page) {
  const cdp = await context.newCDPSession(page);
  let id = null;
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
    for (const r of e.registrations) if (!r.isDeleted && r.scopeURL === `${BASE}/`) id = r.registrationId;
  });
  await cdp.send('ServiceWorker.enable');
  const deadline = Date.now() + TIMEOUT;
  while (id === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  check(id !== null, 'Chromium reports the worker\'s registration');
  return { cdp, id };
}

async function signIn(page, user, mode) {
  await page.goto(`${BASE}/`);
  if (mode === 'register') await page.getByRole('tab', { name: 'Create account' }).click();
  await page.fill('#login-username', user.name);
  await page.fill('#login-password', user.password);
  await page.locator('.login-form button[type="submit"]').click();
  await page.locator('.sidebar-header').waitFor({ state: 'visible' });
}

/** The page's service worker once it is active: its script and scope, and whether it controls the page. */
async function activeWorker(page) {
  await page.waitForFunction(async () => {
    const r = await navigator.serviceWorker.getRegistration();
    return r?.active?.state === 'activated';
  }, null, { timeout: TIMEOUT, polling: 100 });
  return page.evaluate(async () => {
    const r = await navigator.serviceWorker.getRegistration();
    return { script: r.active.scriptURL, scope: r.scope, controlled: navigator.serviceWorker.controller !== null };
  });
}

function bell(page) {
  return page.locator('.sidebar-header .bell');
}

async function bellState(page, state) {
  await page.locator(`.sidebar-header .bell[data-state="${state}"]`).waitFor({ state: 'attached' });
}

async function main() {
  log(`web client notifications e2e against ${BASE} (chromium: ${CHROMIUM})`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

  const first = await newPage('laptop', { viewport: { width: 1100, height: 720 } });
  await step('after sign-in the client offers notifications: the bell in the sidebar header', async () => {
    await signIn(first.page, carol, 'register');
    const offer = first.page.getByRole('button', { name: 'Enable notifications' });
    await offer.waitFor({ state: 'visible' });
    check(await offer.evaluate((b) => b.closest('.sidebar-header') !== null && b.classList.contains('bell')),
      'the offer is the bell in the sidebar header');
  });

  await step('its service worker sw.js is registered and activated, and controls the page', async () => {
    const worker = await activeWorker(first.page);
    check(worker.script === `${BASE}/sw.js`, `the worker is sw.js: ${worker.script}`);
    check(worker.scope === `${BASE}/`, `its scope is the client: ${worker.scope}`);
    await first.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  });

  await step('a click where the browser refuses permission says so and leaves the page working', async () => {
    // Headless Chromium answers the permission request itself (no one to ask): refused.
    await bell(first.page).click();
    await bellState(first.page, 'blocked');
    check(await bell(first.page).isVisible(), 'the bell stays, saying notifications are blocked');
    check(/blocked/.test(await bell(first.page).getAttribute('aria-label')), 'its label says they are blocked');
    check(first.targets.length === 0, 'no push target was registered');
    await first.page.getByRole('button', { name: 'New chat' }).click();
    await first.page.locator('#new-username').waitFor({ state: 'visible' });
    await first.page.keyboard.press('Escape');
  });

  const second = await newPage('phone', { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true,
    permissions: ['notifications'] });
  await step('with permission granted, the failed subscription shows on the bell instead of vanishing', async () => {
    await signIn(second.page, carol, 'login');
    // Allowed already: the client subscribes at sign-in without asking, and that fails here.
    await bellState(second.page, 'failed');
    const b = bell(second.page);
    await b.waitFor({ state: 'visible' });
    const label = await b.getAttribute('aria-label');
    check(label.startsWith('Notifications could not be turned on (click to try again): '), `the label says why: ${label}`);
    check(/push service/.test(label), `the reason names the push service: ${label}`);
    const worker = await activeWorker(second.page);
    check(worker.script === `${BASE}/sw.js`, 'the worker is registered all the same');
    mkdirSync(ARTIFACTS, { recursive: true });
    await second.page.screenshot({ path: resolve(ARTIFACTS, 'notifications-failed.png') });
  });

  await step('a click on the marked bell tries again, fails the same way, and the page carries on', async () => {
    const b = bell(second.page);
    await b.click();
    await second.page.waitForFunction(() => {
      const el = document.querySelector('.sidebar-header .bell');
      return el && !el.disabled && el.dataset.state === 'failed';
    });
    check(second.targets.length === 0, 'no push target was registered');
    check(await second.page.locator('.conn-banner').isHidden(), 'the connection is live');
    await second.page.getByRole('button', { name: 'New chat' }).click();
    await second.page.locator('#new-username').waitFor({ state: 'visible' });
  });

  const third = await newPage('tablet', { viewport: { width: 800, height: 1000 }, permissions: ['notifications'] },
    standInPushService);
  await step('where the browser has a push service, the client subscribes at sign-in and the node accepts it', async () => {
    await signIn(third.page, carol, 'login');
    await bellState(third.page, 'on');
    await third.page.waitForFunction(() => document.querySelector('.sidebar-header .bell')?.hidden === true);
    check(third.accepted.length === 1, `the node accepted one push target (204): ${third.targets.length} sent`);
  });

  await step('a push the service worker receives with no window open is shown as a notification', async () => {
    const { cdp, id } = await registrationId(third.context, third.page);
    // A visible, focused window already shows messages, so the worker stays quiet over it.
    await third.page.goto('about:blank');
    const payload = { conversationId: 42, seq: 3, unread: 2, sender: 'bob', preview: 'see you at <b>8</b>' };
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: BASE, registrationId: id, data: JSON.stringify(payload) });
    await third.page.goto(`${BASE}/`);
    const shown = await third.page.waitForFunction(async () => {
      const list = await (await navigator.serviceWorker.getRegistration()).getNotifications();
      return list.length ? list.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data })) : null;
    }, null, { timeout: TIMEOUT, polling: 100 }).then((h) => h.jsonValue());
    check(shown.length === 1, `one notification: ${JSON.stringify(shown)}`);
    check(shown[0].title === 'bob' && shown[0].body === 'see you at <b>8</b>', `sender and preview, as text: ${JSON.stringify(shown[0])}`);
    check(shown[0].tag === 'c42' && shown[0].data?.conversationId === 42, `tagged with its conversation: ${JSON.stringify(shown[0])}`);
  });

  check(problems.length === 0, `no page errors, dialogs or CSP violations:\n    ${problems.join('\n    ')}`);
}

await finish('web client notifications e2e', main, { browser: () => browser, pages, problems, artifacts: ARTIFACTS, prefix: 'notifications-failure-' });
