// What the browser tests in this folder share: step logging, checks, the page problems that fail
// a run (uncaught errors, dialogs, CSP violations), and the ending (exit code, failure
// screenshots).

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

export function log(line) {
  process.stdout.write(`${line}\n`);
}

export async function step(title, fn) {
  const t0 = Date.now();
  await fn();
  log(`  ok  ${title} (${Date.now() - t0} ms)`);
}

export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/** Records into `problems` what must fail the run: uncaught errors, dialogs, CSP violations. */
export function watchProblems(page, label, problems) {
  page.on('pageerror', (e) => problems.push(`${label}: uncaught ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`${label}: a ${d.type()} dialog opened: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on('console', (m) => {
    const text = m.text();
    if (/Content Security Policy|Refused to (load|execute|apply|connect)/i.test(text)) problems.push(`${label}: CSP: ${text}`);
  });
}

/**
 * Runs `main`, then exits: 0 when it passed; 1 when it threw, after a screenshot of every open
 * page (named `<prefix><label>.png` in `artifacts`). `browser()` gives the browser to close.
 */
export async function finish(name, main, { browser, pages, problems, artifacts, prefix }) {
  try {
    await main();
    log(`${name}: all checks passed`);
    await browser()?.close();
    process.exit(0);
  } catch (e) {
    log(`${name} FAILED: ${e.stack ?? e}`);
    if (problems.length) log(`also seen:\n    ${problems.join('\n    ')}`);
    try {
      mkdirSync(artifacts, { recursive: true });
      for (const [label, page] of Object.entries(pages)) {
        if (!page.isClosed()) await page.screenshot({ path: resolve(artifacts, `${prefix}${label}.png`) });
      }
      log(`      failure screenshots in ${artifacts}`);
    } catch (err) {
      // The browser may be what failed.
    }
    await browser()?.close().catch(() => {});
    process.exit(1);
  }
}
