// Browser test of photos and files in the web client, in headless Chromium (playwright-core):
//
//   PARLEY_URL=http://127.0.0.1:8080 node web/e2e/files.e2e.mjs
//
// Ana attaches a photo and a file from the composer's attach button; Ben, in his own browser,
// sees the photo drawn at its own shape and loaded, opens it full size, and downloads the file with
// the same bytes; he finds an earlier message with the search box (accents folded) and it opens at
// that message; the conversation list says "Photo" and "File". Ends with a screenshot.
//
// Environment: PARLEY_URL, CHROMIUM (default /usr/bin/chromium), PARLEY_FILES_SCREENSHOT
// (default docs/images/web-files.png), PARLEY_ARTIFACTS, PARLEY_USER_SUFFIX.

import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { check, finish, log, step, watchProblems } from './harness.mjs';
import { exact, openRow, register, TIMEOUT, visible } from './pages.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.PARLEY_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = resolve(process.env.PARLEY_FILES_SCREENSHOT ?? resolve(here, '../../docs/images/web-files.png'));
const ARTIFACTS = resolve(process.env.PARLEY_ARTIFACTS ?? resolve(here, 'artifacts'));
const SUFFIX = process.env.PARLEY_USER_SUFFIX ?? `-${Math.random().toString(36).slice(2, 7)}`;

const ana = { name: `ana${SUFFIX}`, password: 'ana-secret-12' };
const ben = { name: `ben${SUFFIX}`, password: 'ben-secret-12' };

const problems = [];
let browser;
const pages = {};
async function newUserPage(label) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB',
    timezoneId: 'Europe/London', acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  watchProblems(page, label, problems);
  pages[label] = page;
  return page;
}

/** A landscape picture drawn in the page (sky, sun, hills), as PNG bytes. */
async function picture(page) {
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 640;
    c.height = 400;
    const g = c.getContext('2d');
    g.fillStyle = '#8ec5ff';
    g.fillRect(0, 0, 640, 400);
    g.fillStyle = '#ffd23f';
    g.beginPath();
    g.arc(500, 100, 50, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = '#3a7d44';
    g.beginPath();
    g.moveTo(0, 400);
    g.quadraticCurveTo(200, 180, 400, 330);
    g.quadraticCurveTo(520, 250, 640, 300);
    g.lineTo(640, 400);
    g.fill();
    return c.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.split(',')[1], 'base64');
}

async function main() {
  log(`web client files e2e against ${BASE} (chromium: ${CHROMIUM})`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const A = await newUserPage('ana');
  const B = await newUserPage('ben');

  await step('ana and ben register; ana writes to ben', async () => {
    await register(A, BASE, ana);
    await register(B, BASE, ben);
    await A.getByRole('button', { name: 'New chat' }).click();
    await A.fill('#new-username', ben.name);
    await A.getByRole('button', { name: 'Start chat' }).click();
    await visible(A.locator('.chat-title', { hasText: exact(ben.name) }));
    const input = A.locator('.composer-input');
    await input.fill('Meet at the Café de Flore at noon');
    await input.press('Enter');
    await input.fill('The view from the top:');
    await input.press('Enter');
    await openRow(B, ana.name);
  });

  await step('ana attaches a photo: ben sees it at its own shape, loaded, and opens it full size', async () => {
    await A.locator('.composer input[type="file"]').setInputFiles({ name: 'summit.png', mimeType: 'image/png', buffer: await picture(A) });
    const mine = A.locator('.msg.mine .photo.loaded');
    await visible(mine);
    const photo = B.locator('.msg.theirs .photo.loaded');
    await visible(photo);
    const box = await photo.boundingBox();
    check(Math.abs(box.width / box.height - 640 / 400) < 0.05, `drawn at the picture's shape (${box.width}x${box.height})`);
    check(await photo.locator('img').evaluate((img) => img.naturalWidth === 640 && img.naturalHeight === 400),
      'the full picture loaded');
    await photo.click();
    await visible(B.locator('.viewer .viewer-img'));
    check(await B.locator('.viewer .viewer-img').evaluate((img) => img.naturalWidth === 640), 'the viewer shows it full size');
    await B.locator('.viewer').getByRole('button', { name: 'Close' }).click();
    check(await B.locator('.viewer').isHidden(), 'the viewer closes');
  });

  const notes = 'Bring the rope, the rack and two litres of water each.\n';
  await step('ana attaches a file: ben sees its name and size and downloads the same bytes', async () => {
    await A.locator('.composer input[type="file"]').setInputFiles({ name: 'packing list.txt', mimeType: 'text/plain', buffer: Buffer.from(notes) });
    const chip = B.locator('.msg.theirs .file-chip', { has: B.locator('.file-name', { hasText: exact('packing list.txt') }) });
    await visible(chip);
    check((await chip.locator('.file-size').textContent()) === `${Buffer.byteLength(notes)} bytes`, 'the size is shown');
    const [download] = await Promise.all([B.waitForEvent('download'), chip.click()]);
    check(download.suggestedFilename() === 'packing list.txt', `downloaded as its name (${download.suggestedFilename()})`);
    const got = readFileSync(await download.path(), 'utf8');
    check(got === notes, 'the downloaded bytes are the file');
  });

  await step('ben searches: the hit shows its words marked and opens the chat at that message', async () => {
    await B.locator('.search-input').fill('cafe noon');
    const hit = B.locator('.search-hit', { hasText: 'Meet at the Café de Flore at noon' });
    await visible(hit);
    check((await hit.locator('mark').allTextContents()).join(' ') === 'Café noon', 'the matched words are marked, accents folded');
    check(await B.locator('.conv-list').isHidden(), 'the list gives way to the results');
    await hit.locator('button').click();
    await visible(B.locator('.msg.flash', { hasText: 'Meet at the Café de Flore at noon' }));
    await B.locator('.search-input').fill('');
    await visible(B.locator('.conv-list'));
  });

  await step('the conversation list says what came', async () => {
    await visible(B.locator('.conv-item .conv-preview', { hasText: 'File' }));
    await openRow(A, ben.name);
    await visible(A.locator('.conv-item .conv-preview', { hasText: 'You: File' }));
  });

  await step('screenshot: a photo and a file in a chat', async () => {
    await B.mouse.move(0, 0);
    await B.waitForTimeout(300);
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await B.screenshot({ path: SCREENSHOT });
    log(`      saved ${SCREENSHOT}`);
  });

  check(problems.length === 0, `no page errors, dialogs or CSP violations:\n    ${problems.join('\n    ')}`);
}

await finish('web client files e2e', main, { browser: () => browser, pages, problems, artifacts: ARTIFACTS, prefix: 'files-failure-' });
