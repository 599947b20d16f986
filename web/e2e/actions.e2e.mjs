// The web client shows message actions other clients made, in headless Chromium:
//
//   PARLEY_URL=http://127.0.0.1:8080 node web/e2e/actions.e2e.mjs
//
// Alice uses the web client; bob's phone speaks the raw protocol (from a helper page). Bob reacts
// to alice's message, edits and deletes his own, and replies to hers: alice sees a reaction chip,
// "(edited)" with the new text, "Message deleted" and the reply's quote, live and again after a
// reload (from history, which carries each message's current state), and never an action as a
// line of its own. The web client cannot make actions yet (docs/protocol.md, "Message actions").
//
// Environment: PARLEY_URL, CHROMIUM (default /usr/bin/chromium), PARLEY_ARTIFACTS.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { check, finish, log, step, watchProblems } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.PARLEY_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(process.env.PARLEY_ARTIFACTS ?? resolve(here, 'artifacts'));
const SUFFIX = `-${Math.random().toString(36).slice(2, 7)}`;
const TIMEOUT = 15_000;
const THUMBS = '\u{1F44D}';

const alice = { name: `alice${SUFFIX}`, password: 'alice-secret-1' };
const bob = { name: `bob${SUFFIX}`, password: 'bob-secret-12' };
const problems = [];
const pages = {};
let browser;

const exact = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
const message = (page, text) => page.locator('.msg', { has: page.locator('.body', { hasText: exact(text) }) });
const visible = (locator) => locator.first().waitFor({ state: 'visible', timeout: TIMEOUT });
const gone = (locator) => locator.first().waitFor({ state: 'hidden', timeout: TIMEOUT });

/** Bob's phone: runs `frames` (each `{type, ...}` without clientId) in order, each answered by `sent`. */
async function bobDoes(helper, frames) {
  return helper.evaluate(async ({ bob, alice, frames }) => {
    const json = async (method, path, body, token) => {
      const res = await fetch(path, {
        method,
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    if (!window.bobPhone) {
      await fetch('/v1/accounts', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: bob.name, password: bob.password }) });
      const { token } = await json('POST', '/v1/sessions', { username: bob.name, password: bob.password, deviceName: 'phone' });
      const { conversationId } = await json('POST', '/v1/conversations/direct', { username: alice.name }, token);
      window.bobPhone = { token, conversationId, next: 0 };
    }
    const phone = window.bobPhone;
    const ws = new WebSocket(`ws://${location.host}/v1/ws`);
    const seqs = [];
    await new Promise((resolve, reject) => {
      let i = 0;
      const sendNext = () => ws.send(JSON.stringify({ ...frames[i], clientId: `bob-${phone.next++}`,
        conversationId: phone.conversationId }));
      ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token: phone.token }));
      ws.onerror = () => reject(new Error('bob: socket failed'));
      ws.onmessage = (e) => {
        const f = JSON.parse(e.data);
        if (f.type === 'ready') sendNext();
        else if (f.type === 'sent') {
          seqs.push(f.seq);
          if (++i < frames.length) sendNext(); else resolve();
        } else if (f.type === 'error') reject(new Error(JSON.stringify(f)));
      };
    });
    ws.close();
    return { conversationId: phone.conversationId, seqs };
  }, { bob, alice, frames });
}

/** What alice's open conversation shows: every message line and event line, top to bottom. */
async function lines(page) {
  return page.locator('.log .msg .body, .log .event').allTextContents();
}

async function main() {
  log(`message actions in the web client against ${BASE}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/London' });
  const A = await context.newPage();
  A.setDefaultTimeout(TIMEOUT);
  watchProblems(A, 'alice', problems);
  pages.alice = A;
  const helper = await (await browser.newContext()).newPage();
  pages.helper = helper;
  await helper.goto(`${BASE}/`);

  await step('alice registers in the browser', async () => {
    await A.goto(`${BASE}/`);
    await A.getByRole('tab', { name: 'Create account' }).click();
    await A.fill('#login-username', alice.name);
    await A.fill('#login-password', alice.password);
    await A.locator('.login-form button[type="submit"]').click();
    await visible(A.locator('.sidebar-header'));
  });

  let seqs;
  await step('bob writes two messages; alice opens the conversation and answers', async () => {
    ({ seqs } = await bobDoes(helper, [{ type: 'send', body: 'see you at 7' }, { type: 'send', body: 'bring snacks' }]));
    await A.locator('.conv-item', { has: A.locator('.conv-name', { hasText: exact(bob.name) }) }).locator('button').click();
    await visible(message(A, 'bring snacks'));
    const input = A.locator('.composer-input');
    await input.fill('sure!');
    await input.press('Enter');
    await visible(message(A, 'sure!'));
  });

  const [seven, snacks] = seqs;
  const sure = snacks + 1;
  await step('bob reacts to alice, edits one message, deletes the other and replies: alice sees each in place', async () => {
    await bobDoes(helper, [
      { type: 'react', targetSeq: sure, emoji: THUMBS },
      { type: 'edit', targetSeq: seven, body: 'see you at 8' },
      { type: 'delete', targetSeq: snacks },
      { type: 'send', body: 'great', replyTo: sure },
    ]);
    await visible(message(A, 'see you at 8 (edited)'));
    await gone(message(A, 'see you at 7'));
    await visible(message(A, 'Message deleted'));
    await visible(message(A, 'sure!').locator('.reactions', { hasText: `${THUMBS} 1` }));
    await visible(message(A, 'great').locator('.quote', { hasText: 'You: sure!' }));
    const shown = await lines(A);
    check(!shown.some((l) => /bring snacks|changed the conversation|reacted|edited a message/.test(l)),
      `no action shows as a line of its own, and no deleted text: ${JSON.stringify(shown)}`);
  });

  await step('after a reload, history shows the same', async () => {
    await A.reload();
    await A.locator('.conv-item', { has: A.locator('.conv-name', { hasText: exact(bob.name) }) }).locator('button').click();
    await visible(message(A, 'see you at 8 (edited)'));
    await visible(message(A, 'Message deleted'));
    await visible(message(A, 'sure!').locator('.reactions', { hasText: `${THUMBS} 1` }));
    await visible(message(A, 'great').locator('.quote', { hasText: 'You: sure!' }));
    const shown = await lines(A);
    check(!shown.some((l) => /bring snacks|changed the conversation/.test(l)), `after reload: ${JSON.stringify(shown)}`);
  });
  check(problems.length === 0, `page problems: ${problems.join('; ')}`);
}

await finish('actions e2e', main, { browser: () => browser, pages, problems, artifacts: ARTIFACTS, prefix: 'actions-' });
