// Sign in / create account. The node checks the rules too; the form only mirrors them
// (docs/protocol.md, "Concepts") so that most mistakes are caught before a round trip.

import { h, setText } from '../dom.js';
import { icon } from '../icons.js';

const USERNAME = /^[a-z0-9_.-]{3,32}$/;

/**
 * @param {object} o
 * @param {(mode: 'login'|'register', username: string, password: string, invite: string) => Promise<void>} o.submit
 * @param {string} [o.notice] a message to show above the form (e.g. "You were signed out")
 */
export function loginView({ submit, notice }) {
  let mode = 'login';
  const username = h('input', {
    id: 'login-username', name: 'username', type: 'text', required: true, autocomplete: 'username',
    attrs: { autocapitalize: 'none', autocorrect: 'off', spellcheck: 'false', minlength: '3', maxlength: '32' },
  });
  const password = h('input', {
    id: 'login-password', name: 'password', type: 'password', required: true, autocomplete: 'current-password',
    attrs: { minlength: '8', maxlength: '1024' },
  });
  // Only a node whose registration is invite-only asks for it (docs/protocol.md, "register").
  const invite = h('input', {
    id: 'login-invite', name: 'invite', type: 'text', autocomplete: 'off',
    attrs: { autocapitalize: 'none', autocorrect: 'off', spellcheck: 'false', maxlength: '128' },
  });
  const inviteField = h('label', { class: 'field', attrs: { for: 'login-invite' } },
    h('span', { text: 'Invite code (if you were given one)' }), invite);
  const error = h('p', { class: 'form-error', attrs: { role: 'alert', 'aria-live': 'assertive' } });
  const hint = h('p', { class: 'field-hint', text: '3–32 characters: a–z, 0–9, _ . -' });
  const button = h('button', { class: 'btn btn-primary btn-block', type: 'submit', text: 'Sign in' });
  const tabLogin = h('button', { type: 'button', class: 'tab', text: 'Sign in', attrs: { role: 'tab' } });
  const tabRegister = h('button', { type: 'button', class: 'tab', text: 'Create account', attrs: { role: 'tab' } });

  function setMode(m) {
    mode = m;
    tabLogin.setAttribute('aria-selected', String(m === 'login'));
    tabRegister.setAttribute('aria-selected', String(m === 'register'));
    setText(button, m === 'login' ? 'Sign in' : 'Create account');
    password.autocomplete = m === 'login' ? 'current-password' : 'new-password';
    hint.hidden = m === 'login';
    inviteField.hidden = m === 'login';
    setText(error, '');
  }
  tabLogin.addEventListener('click', () => setMode('login'));
  tabRegister.addEventListener('click', () => setMode('register'));

  const form = h('form', { class: 'login-form', attrs: { novalidate: '' } },
    h('div', { class: 'tabs', attrs: { role: 'tablist' } }, tabLogin, tabRegister),
    h('label', { class: 'field', attrs: { for: 'login-username' } }, h('span', { text: 'Username' }), username),
    hint,
    h('label', { class: 'field', attrs: { for: 'login-password' } }, h('span', { text: 'Password' }), password),
    inviteField,
    error,
    button,
  );

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = username.value.trim().toLowerCase();
    if (!USERNAME.test(name)) return setText(error, 'Usernames have 3 to 32 characters: a–z, 0–9, _ . -');
    if (password.value.length < 8) return setText(error, 'Passwords have at least 8 characters.');
    setText(error, '');
    button.disabled = true;
    try {
      await submit(mode, name, password.value, invite.value.trim());
    } catch (err) {
      setText(error, err.message || 'Something went wrong.');
      button.disabled = false;
    }
  });

  setMode('login');
  return h('div', { class: 'login' },
    h('div', { class: 'login-card' },
      h('div', { class: 'brand' }, icon('logo', { cls: 'brand-logo' }), h('h1', { text: 'Parley' })),
      h('p', { class: 'login-tagline', text: 'Messages that arrive, in order, on every device.' }),
      notice ? h('p', { class: 'notice', text: notice }) : null,
      form,
    ),
  );
}
