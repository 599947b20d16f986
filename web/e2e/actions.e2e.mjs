// Browser test of message actions in the web client, in headless Chromium (playwright-core):
//
//   PARLEY_URL=http://127.0.0.1:8080 node web/e2e/actions.e2e.mjs
//
// Ana and Ben, each in their own browser, use every action and check what the other sees: Ben
// reacts to Ana's message from its hover actions and Ana's chip shows it; Ana reacts too and Ben
// takes his off from the chip; Ben replies (the quote shows in both); Ana edits her message (both
// see the new text, "Edited", and the quote in Ben's reply follows); Ana deletes a message for
// everyone. In a group, "@" offers the members and the mention reaches Ben marked. A reload shows the same state from history, and the
// client's own emoji font loads. Ends with a screenshot for the README.
//
// Environment: PARLEY_URL, CHROMIUM (default /usr/bin/chromium), PARLEY_ACTIONS_SCREENSHOT
// (default docs/images/web-actions.png), PARLEY_ARTIFACTS, PARLEY_USER_SUFFIX.

import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { check, finish, log, step, watchProblems } from './harness.mjs';
import { exact, message, openRow, register, send, TIMEOUT, visible } from './pages.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.PARLEY_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = resolve(process.env.PARLEY_ACTIONS_SCREENSHOT ?? resolve(here, '../../docs/images/web-actions.png'));
const ARTIFACTS = resolve(process.env.PARLEY_ARTIFACTS ?? resolve(here, 'artifacts'));
const SUFFIX = process.env.PARLEY_USER_SUFFIX ?? `-${Math.random().toString(36).slice(2, 7)}`;

const ana = { name: `ana${SUFFIX}`, password: 'ana-secret-12' };
const ben = { name: `ben${SUFFIX}`, password: 'ben-secret-12' };

const problems = [];
let browser;
const pages = {};
async function newUserPage(label) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  watchProblems(page, label, problems);
  pages[label] = page;
  return page;
}

/** Hovers the message and clicks one of its actions. */
async function action(msg, name) {
  await msg.hover();
  await msg.getByRole('button', { name, exact: true }).click();
}

async function react(msg, emoji) {
  await action(msg, 'React');
  await msg.getByRole('button', { name: `React ${emoji}` }).click();
}

function chip(msg, emoji) {
  return msg.locator('.reaction', { has: msg.page().locator('.emoji', { hasText: exact(emoji) }) });
}

async function chipCount(msg, emoji) {
  return (await chip(msg, emoji).locator('.count').textContent())?.trim();
}

async function until(fn, what, timeout = TIMEOUT) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main() {
  log(`web client message actions e2e against ${BASE} (chromium: ${CHROMIUM})`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const A = await newUserPage('ana');
  const B = await newUserPage('ben');

  const dinner = 'Dinner at 8?';
  await step('ana and ben register; ana writes to ben', async () => {
    await register(A, BASE, ana);
    await register(B, BASE, ben);
    await A.getByRole('button', { name: 'New chat' }).click();
    await A.fill('#new-username', ben.name);
    await A.getByRole('button', { name: 'Start chat' }).click();
    await visible(A.locator('.chat-title', { hasText: exact(ben.name) }));
    await send(A, 'Hi Ben!');
    await send(A, dinner);
    await openRow(B, ana.name);
    await visible(message(B, dinner, '.theirs'));
  });

  await step('ben reacts 👍 from the hover actions; ana sees the chip, adds hers, ben takes his off', async () => {
    await react(message(B, dinner, '.theirs'), '👍');
    await visible(chip(message(A, dinner, '.mine'), '👍'));
    check(await chipCount(message(A, dinner, '.mine'), '👍') === '1', 'one 👍 on ana\'s side');
    check((await chip(message(A, dinner, '.mine'), '👍').getAttribute('title')) === ben.name, 'the chip names ben');
    await react(message(A, dinner, '.mine'), '👍');
    await until(async () => await chipCount(message(B, dinner, '.theirs'), '👍') === '2', 'two 👍 on ben\'s side');
    check(await chip(message(B, dinner, '.theirs'), '👍').getAttribute('aria-pressed') === 'true', 'ben\'s own reaction is marked');
    await chip(message(B, dinner, '.theirs'), '👍').click();
    await until(async () => await chipCount(message(A, dinner, '.mine'), '👍') === '1', 'one 👍 left on ana\'s side');
    await until(async () => await chipCount(message(B, dinner, '.theirs'), '👍') === '1', 'one 👍 left on ben\'s side');
    await react(message(B, dinner, '.theirs'), '❤️');
    await visible(chip(message(A, dinner, '.mine'), '❤️'));
  });

  const yes = 'Yes! See you there';
  await step('ben replies to it: the quote shows on both sides', async () => {
    await action(message(B, dinner, '.theirs'), 'Reply');
    await visible(B.locator('.composer-context', { hasText: `Replying to ${ana.name}` }));
    await send(B, yes);
    await visible(message(B, yes, '.mine').locator('.quote', { hasText: dinner }));
    await visible(message(A, yes, '.theirs').locator('.quote', { hasText: dinner }));
    check(await B.locator('.composer-context').isHidden(), 'the reply bar closes after sending');
  });

  const later = 'Dinner at 8:30?';
  await step('ana edits her message: both see the new text, "Edited", and the quote follows', async () => {
    await action(message(A, dinner, '.mine'), 'Edit');
    await visible(A.locator('.composer-context', { hasText: 'Editing message' }));
    const input = A.locator('.composer-input');
    check((await input.inputValue()) === dinner, 'the composer holds the text to edit');
    await input.fill(later);
    await input.press('Enter');
    await visible(message(A, later, '.mine').locator('.edited'));
    await visible(message(B, later, '.theirs').locator('.edited'));
    await visible(message(B, yes, '.mine').locator('.quote', { hasText: later }));
    check(await chipCount(message(B, later, '.theirs'), '👍') === '1', 'reactions stay on an edited message');
  });

  const oops = 'oops, wrong chat';
  await step('ana deletes a message for everyone; ben sees "Message deleted"', async () => {
    await send(A, oops);
    await visible(message(B, oops, '.theirs'));
    const mine = message(A, oops, '.mine');
    await action(mine, 'Delete for everyone');
    await mine.getByRole('button', { name: 'Delete for everyone' }).click();
    await visible(message(A, 'You deleted this message', '.mine.deleted'));
    await visible(message(B, 'Message deleted', '.theirs.deleted'));
    check((await message(B, oops).count()) === 0, 'the text is gone from ben\'s screen');
  });

  await step('after a reload, history shows the same reactions, edit, reply and deletion', async () => {
    await B.reload();
    await openRow(B, ana.name);
    await visible(message(B, later, '.theirs').locator('.edited'));
    await until(async () => await chipCount(message(B, later, '.theirs'), '👍') === '1', '👍 after reload');
    await visible(chip(message(B, later, '.theirs'), '❤️'));
    await visible(message(B, yes, '.mine').locator('.quote', { hasText: later }));
    await visible(message(B, 'Message deleted', '.theirs.deleted'));
  });

  await step('the client ships its own colour emoji font, and it draws', async () => {
    // Drawn with that font alone, so a machine's own emoji font cannot stand in for it; an
    // OpenType-SVG font, say, loads in Chromium but draws nothing.
    const coloured = await A.evaluate(async () => {
      await document.fonts.load('48px "Parley Emoji"', '👍');
      const c = document.createElement('canvas');
      c.width = 64;
      c.height = 64;
      const g = c.getContext('2d');
      g.font = '48px "Parley Emoji"';
      g.textBaseline = 'top';
      g.fillText('👍', 4, 4);
      const px = g.getImageData(0, 0, 64, 64).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && Math.abs(px[i] - px[i + 2]) > 40) n++;
      return n;
    });
    check(coloured > 200, `the Parley Emoji font draws 👍 in colour (${coloured} coloured pixels)`);
  });

  await step('in a group, "@" offers the members by name', async () => {
    await A.getByRole('button', { name: 'New group' }).click();
    await A.fill('#new-title', 'Supper club');
    await A.fill('#new-members', ben.name);
    await A.getByRole('button', { name: 'Create group' }).click();
    await visible(A.locator('.chat-title', { hasText: exact('Supper club') }));
    const input = A.locator('.composer-input');
    await input.fill('');
    await input.pressSequentially('Ask @be');
    await visible(A.locator('.mention-list .mention', { hasText: `@${ben.name}` }));
    await input.press('Tab');
    check((await input.inputValue()) === `Ask @${ben.name} `, 'the mention is completed');
    await input.pressSequentially('about the wine');
    await input.press('Enter');
    await visible(message(A, `Ask @${ben.name} about the wine`, '.mine'));
    // Sent as a structured mention: ben's list marks the group, and the @name stands out for him.
    const row = B.locator('.conv-item', { has: B.locator('.conv-name', { hasText: exact('Supper club') }) });
    await visible(row.locator('.mention-badge'));
    await openRow(B, 'Supper club');
    await visible(message(B, `Ask @${ben.name} about the wine`, '.theirs').locator('.mention-text.me', { hasText: `@${ben.name}` }));
    await B.waitForTimeout(300);
    check(await row.locator('.mention-badge').isHidden(), 'read: the @ mark goes');
  });

  await step('screenshot: replies, reactions and an edited message', async () => {
    await openRow(B, ana.name);
    await B.mouse.move(0, 0);
    await B.waitForTimeout(300);
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await B.screenshot({ path: SCREENSHOT });
    log(`      saved ${SCREENSHOT}`);
  });

  check(problems.length === 0, `no page errors, dialogs or CSP violations:\n    ${problems.join('\n    ')}`);
}

await finish('web client actions e2e', main, { browser: () => browser, pages, problems, artifacts: ARTIFACTS, prefix: 'actions-failure-' });
