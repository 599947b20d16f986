// Browser test of the people features of the web client, in headless Chromium (playwright-core),
// against a node with message requests on (`people.messageRequests: contacts-only`):
//
//   PARLEY_URL=http://127.0.0.1:8080 node web/e2e/people.e2e.mjs
//
// Nora and Omar set display names and pictures in the profile dialog; Nora writes to Omar, a
// stranger: it lands in his "Message requests", he reads it, accepts it and answers. Nora blocks
// Omar: his next message is refused and her composer is gone; she unblocks him and his retry
// arrives. A group shows their pictures beside their messages. Ends with a screenshot (names and
// avatars in the list, the header and the bubbles).
//
// Environment: PARLEY_URL, CHROMIUM (default /usr/bin/chromium), PARLEY_PEOPLE_SCREENSHOT
// (default docs/images/web-people.png), PARLEY_ARTIFACTS, PARLEY_USER_SUFFIX.

import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { check, finish, log, step, watchProblems } from './harness.mjs';
import { exact, gone, message, openRow, register, send, TIMEOUT, visible } from './pages.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.PARLEY_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = resolve(process.env.PARLEY_PEOPLE_SCREENSHOT ?? resolve(here, '../../docs/images/web-people.png'));
const ARTIFACTS = resolve(process.env.PARLEY_ARTIFACTS ?? resolve(here, 'artifacts'));
const SUFFIX = process.env.PARLEY_USER_SUFFIX ?? `-${Math.random().toString(36).slice(2, 7)}`;

const nora = { name: `nora${SUFFIX}`, password: 'nora-secret-1', display: 'Nora Lindqvist', status: 'Bouldering all weekend', color: '#e5484d' };
const omar = { name: `omar${SUFFIX}`, password: 'omar-secret-1', display: 'Omar Haddad', status: 'Out on the crag', color: '#1f6feb' };

const problems = [];
let browser;
const pages = {};
async function newUserPage(label) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 }, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  watchProblems(page, label, problems);
  pages[label] = page;
  return page;
}

/** A picture drawn in the page (a coloured disc with an initial), as PNG bytes. */
async function picture(page, user) {
  const dataUrl = await page.evaluate(({ color, letter }) => {
    const c = document.createElement('canvas');
    c.width = 320;
    c.height = 240;
    const g = c.getContext('2d');
    g.fillStyle = '#f4f1ea';
    g.fillRect(0, 0, 320, 240);
    g.fillStyle = color;
    g.beginPath();
    g.arc(160, 120, 100, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = '#fff';
    g.font = 'bold 110px sans-serif';
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(letter, 160, 128);
    return c.toDataURL('image/png');
  }, { color: user.color, letter: user.display[0] });
  return Buffer.from(dataUrl.split(',')[1], 'base64');
}

async function setProfile(page, user) {
  await page.getByRole('button', { name: 'Profile and account' }).click();
  const dialog = page.locator('dialog[open]');
  await dialog.locator('#profile-name').fill(user.display);
  await dialog.locator('#profile-status').fill(user.status);
  await dialog.getByRole('button', { name: 'Save profile' }).click();
  await visible(dialog.locator('.form-error', { hasText: 'Saved.' }));
  await dialog.locator('input[type="file"]').setInputFiles({ name: `${user.name}.png`, mimeType: 'image/png', buffer: await picture(page, user) });
  await visible(dialog.locator('.avatar img.avatar-img'));
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: resolve(ARTIFACTS, `people-${user.name}-profile.png`) });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await visible(page.locator('.me-name', { hasText: exact(user.display) }));
  await visible(page.locator('.sidebar-header .avatar img.avatar-img'));
}

async function main() {
  log(`web client people e2e against ${BASE} (chromium: ${CHROMIUM})`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const N = await newUserPage('nora');
  const O = await newUserPage('omar');

  await step('nora and omar register and set display names and pictures', async () => {
    await register(N, BASE, nora);
    await register(O, BASE, omar);
    await setProfile(N, nora);
    await setProfile(O, omar);
  });

  const hello = 'Hi Omar! It’s Nora from the climbing gym 👋';
  await step('nora writes to omar, a stranger: it arrives as a message request', async () => {
    await N.getByRole('button', { name: 'New chat' }).click();
    await N.fill('#new-username', omar.name);
    await N.getByRole('button', { name: 'Start chat' }).click();
    await visible(N.locator('.chat-title', { hasText: exact(omar.display) }));
    await visible(N.locator('.chat-header .avatar img.avatar-img'));
    await send(N, hello);
    const link = O.locator('.requests-link');
    await visible(link);
    check((await link.locator('.badge').textContent()) === '1', 'one request');
    check((await O.locator('.conv-item').count()) === 0, 'the inbox stays empty');
  });

  const answer = 'Hey Nora! Good to hear from you.';
  await step('omar reads the request, accepts it and answers', async () => {
    await O.locator('.requests-link').click();
    await openRow(O, nora.display);
    await visible(message(O, hello, '.theirs'));
    await visible(O.locator('.request-bar', { hasText: 'wants to send you messages' }));
    check(await O.locator('.composer').isHidden(), 'no composer before accepting');
    check((await message(N, hello, '.mine').getAttribute('data-status')) === 'sent', 'nora sees no receipt yet');
    await O.screenshot({ path: resolve(ARTIFACTS, 'people-omar-request.png') });
    await O.locator('.request-bar').getByRole('button', { name: 'Accept' }).click();
    await gone(O.locator('.request-bar'));
    await visible(O.locator('.composer'));
    await visible(O.locator('.event', { hasText: 'You accepted the message request' }));
    await send(O, answer);
    await visible(message(N, answer, '.theirs'));
    await visible(message(N, hello, '.mine[data-status="read"]'));
    await gone(O.locator('.requests-link'));
  });

  await step('nora blocks omar: his next message is refused; she unblocks him and his retry arrives', async () => {
    await N.getByRole('button', { name: 'Conversation menu' }).click();
    await N.getByRole('menuitem', { name: `Block ${omar.display}` }).click();
    await visible(N.locator('.blocked-note', { hasText: `You blocked ${omar.display}` }));
    check(await N.locator('.composer').isHidden(), 'no composer while blocking');
    await N.screenshot({ path: resolve(ARTIFACTS, 'people-nora-blocked.png') });
    const refused = 'Did I say something wrong?';
    const input = O.locator('.composer-input');
    await input.fill(refused);
    await input.press('Enter');
    await visible(message(O, refused, '[data-status="failed"]'));
    await visible(O.locator('.failed-reason', { hasText: 'not receiving your messages' }));
    check((await message(N, refused).count()) === 0, 'nothing reached nora');
    await N.getByRole('button', { name: 'Conversation menu' }).click();
    await N.getByRole('menuitem', { name: `Unblock ${omar.display}` }).click();
    await visible(N.locator('.composer'));
    await message(O, refused).getByRole('button', { name: 'Retry' }).click();
    await visible(message(N, refused, '.theirs'));
    await visible(message(O, refused, '.mine[data-status="read"]'));
  });

  await step('a group shows names and pictures beside the messages; screenshot', async () => {
    await O.getByRole('button', { name: 'New group' }).click();
    await O.fill('#new-title', 'Crag crew');
    await O.fill('#new-members', nora.name);
    await O.getByRole('button', { name: 'Create group' }).click();
    await visible(O.locator('.chat-title', { hasText: exact('Crag crew') }));
    await send(O, 'Saturday at the north wall? ☀️');
    await openRow(N, 'Crag crew');
    await visible(message(N, 'Saturday at the north wall? ☀️', '.theirs'));
    await visible(N.locator('.msg.theirs .sender', { hasText: omar.display }));
    await visible(N.locator('.msg.theirs .sender img.sender-pic'));
    await send(N, 'Count me in! I’ll bring the rope 🧗');
    await visible(message(O, 'Count me in! I’ll bring the rope 🧗', '.theirs'));
    const rows = await N.locator('.conv-item img.avatar-img').count();
    check(rows >= 1, 'the list shows a picture');
    await N.waitForTimeout(300);
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await N.screenshot({ path: SCREENSHOT });
    log(`      saved ${SCREENSHOT}`);
  });

  check(problems.length === 0, `no page errors, dialogs or CSP violations:\n    ${problems.join('\n    ')}`);
}

await finish('web client people e2e', main, { browser: () => browser, pages, problems, artifacts: ARTIFACTS, prefix: 'people-failure-' });
