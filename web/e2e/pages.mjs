// What the web client's browser tests do to a page, shared: find a message, wait for an element,
// register, send, open a conversation from the list.

export const TIMEOUT = 15_000;

/** A RegExp that matches `text` exactly (for hasText). */
export const exact = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** The message row whose body is exactly `text`; `cls` narrows it (".mine", '[data-status="read"]'). */
export function message(page, text, cls = '') {
  return page.locator(`.msg${cls}`, { has: page.locator('.body', { hasText: exact(text) }) });
}

export async function visible(locator, timeout = TIMEOUT) {
  await locator.first().waitFor({ state: 'visible', timeout });
}

export async function gone(locator, timeout = TIMEOUT) {
  await locator.first().waitFor({ state: 'hidden', timeout });
}

/** Creates the account from the sign-in page at `base` and waits for the conversation list. */
export async function register(page, base, user) {
  await page.goto(`${base}/`);
  await page.getByRole('tab', { name: 'Create account' }).click();
  await page.fill('#login-username', user.name);
  await page.fill('#login-password', user.password);
  await page.locator('.login-form button[type="submit"]').click();
  await visible(page.locator('.sidebar-header'));
}

/** Types and sends `text` in the open chat, and waits for it to show as one's own. */
export async function send(page, text) {
  const input = page.locator('.composer-input');
  await input.fill(text);
  await input.press('Enter');
  await visible(message(page, text, '.mine'));
}

/** Opens the conversation the list names `title`. */
export async function openRow(page, title) {
  await page.locator('.conv-item', { has: page.locator('.conv-name', { hasText: exact(title) }) }).locator('button').click();
  await visible(page.locator('.chat-title', { hasText: exact(title) }));
}
