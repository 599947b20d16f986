// The "Profile and account" dialog: display name, status line and avatar; the password (with
// the option to sign every other device out); deleting the account. And the small "Report" dialog
// of a conversation's menu. The node checks everything; its messages are shown as they come.

import { h, setText } from '../dom.js';
import { icon } from '../icons.js';
import { avatar, updateAvatar } from './common.js';

function dialogShell(titleText, ...content) {
  const title = h('h2', { class: 'dialog-title', text: titleText });
  const dialog = h('dialog', { class: 'dialog' },
    h('div', { class: 'dialog-form' },
      h('div', { class: 'dialog-head' }, title,
        h('button', { class: 'icon-btn', type: 'button', attrs: { 'aria-label': 'Close' }, on: { click: () => dialog.close() } }, icon('close'))),
      ...content));
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) dialog.close();
  });
  return dialog;
}

function field(id, label, input) {
  input.id = id;
  return h('label', { class: 'field', attrs: { for: id } }, h('span', { text: label }), input);
}

/**
 * @param {object} o
 * @param {import('../store.js').Store} o.store
 * @param {import('../sdk/index.js').ParleyClient} o.api the signed-in device's client
 * @param {(err: Error) => string} o.explain
 * @param {() => void} o.onDeleted the account is gone: sign out
 */
export function accountDialog({ store, api, explain, onDeleted }) {
  const pic = avatar({ name: '', size: 'avatar-lg' });
  const file = h('input', { type: 'file', attrs: { accept: 'image/png,image/jpeg,image/webp', 'aria-label': 'Choose a picture' } });
  const removePic = h('button', { class: 'link-btn', type: 'button', text: 'Remove picture' });
  const name = h('input', { type: 'text', autocomplete: 'off', attrs: { maxlength: '64' } });
  const status = h('input', { type: 'text', autocomplete: 'off', attrs: { maxlength: '140' } });
  const profileMsg = h('p', { class: 'form-error', attrs: { role: 'alert' } });
  const saveProfile = h('button', { class: 'btn btn-primary', type: 'submit', text: 'Save profile' });
  const profileForm = h('form', { class: 'dialog-fields', attrs: { novalidate: '' } },
    h('div', { class: 'avatar-edit' }, pic, h('div', {}, file, removePic)),
    field('profile-name', 'Display name', name),
    field('profile-status', 'Status', status),
    h('p', { class: 'field-hint', text: 'Others see your display name and picture; your username stays the same.' }),
    profileMsg, h('div', { class: 'dialog-actions' }, saveProfile));

  const current = h('input', { type: 'password', autocomplete: 'current-password' });
  const next = h('input', { type: 'password', autocomplete: 'new-password' });
  const revoke = h('input', { type: 'checkbox', checked: true, id: 'pw-revoke' });
  const pwMsg = h('p', { class: 'form-error', attrs: { role: 'alert' } });
  const pwForm = h('form', { class: 'dialog-fields dialog-section', attrs: { novalidate: '' } },
    h('h3', { text: 'Password' }),
    field('pw-current', 'Current password', current),
    field('pw-new', 'New password', next),
    h('label', { class: 'check', attrs: { for: 'pw-revoke' } }, revoke, h('span', { text: 'Sign out every other device' })),
    pwMsg, h('div', { class: 'dialog-actions' }, h('button', { class: 'btn', type: 'submit', text: 'Change password' })));

  const delPw = h('input', { type: 'password', autocomplete: 'current-password' });
  const delMsg = h('p', { class: 'form-error', attrs: { role: 'alert' } });
  const delForm = h('form', { class: 'dialog-fields dialog-section', attrs: { novalidate: '' } },
    h('h3', { class: 'danger', text: 'Delete account' }),
    h('p', { class: 'field-hint', text: 'You leave every group and every device is signed out. This cannot be undone.' }),
    field('delete-password', 'Password', delPw),
    delMsg, h('div', { class: 'dialog-actions' }, h('button', { class: 'btn danger', type: 'submit', text: 'Delete my account' })));

  const dialog = dialogShell('Profile and account', profileForm, pwForm, delForm);

  function fill() {
    const me = store.users.get(store.me) ?? {};
    name.value = me.displayName && me.displayName !== me.username ? me.displayName : '';
    name.placeholder = me.username ?? '';
    status.value = me.status ?? '';
    updateAvatar(pic, { name: me.displayName ?? me.username ?? '', src: store.avatarOf(store.me) });
    removePic.hidden = !me.avatar;
  }

  async function run(msg, fn) {
    setText(msg, '');
    try {
      await fn();
    } catch (err) {
      setText(msg, explain(err));
    }
  }

  profileForm.addEventListener('submit', (e) => {
    e.preventDefault();
    run(profileMsg, async () => {
      const p = await api.updateProfile({ displayName: name.value, status: status.value });
      store.applyProfile(p);
      fill();
      setText(profileMsg, 'Saved.');
    });
  });
  file.addEventListener('change', () => run(profileMsg, async () => {
    if (!file.files?.length) return;
    const p = await api.uploadAvatar(file.files[0]);
    store.applyProfile(p);
    file.value = '';
    fill();
  }));
  removePic.addEventListener('click', () => run(profileMsg, async () => {
    store.applyProfile(await api.removeAvatar());
    fill();
  }));
  pwForm.addEventListener('submit', (e) => {
    e.preventDefault();
    run(pwMsg, async () => {
      const r = await api.changePassword(current.value, next.value, revoke.checked);
      current.value = '';
      next.value = '';
      setText(pwMsg, `Password changed${r.revokedDevices ? `; ${r.revokedDevices} other device(s) signed out` : ''}.`);
    });
  });
  delForm.addEventListener('submit', (e) => {
    e.preventDefault();
    run(delMsg, async () => {
      await api.deleteAccount(delPw.value);
      dialog.close();
      onDeleted();
    });
  });

  return {
    el: dialog,
    show() {
      fill();
      setText(profileMsg, '');
      setText(pwMsg, '');
      setText(delMsg, '');
      dialog.showModal();
    },
  };
}

/** Reporting the other person of a direct conversation (with their recent messages) to the operators. */
export function reportDialog({ api, explain }) {
  const reason = h('select', {},
    ...[['spam', 'Spam'], ['harassment', 'Harassment'], ['impersonation', 'Pretending to be someone'],
      ['inappropriate', 'Inappropriate'], ['other', 'Something else']]
      .map(([value, label]) => h('option', { value, text: label })));
  const note = h('input', { type: 'text', autocomplete: 'off', attrs: { maxlength: '1000' } });
  const msg = h('p', { class: 'form-error', attrs: { role: 'alert' } });
  const submit = h('button', { class: 'btn btn-primary', type: 'submit', text: 'Send report' });
  const form = h('form', { class: 'dialog-fields', attrs: { novalidate: '' } },
    h('p', { class: 'field-hint', text: 'The server\'s operators get the report with a copy of their recent messages here.' }),
    field('report-reason', 'Reason', reason), field('report-note', 'Anything to add (optional)', note),
    msg, h('div', { class: 'dialog-actions' }, submit));
  const dialog = dialogShell('Report', form);
  let target = null;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setText(msg, '');
    try {
      await api.report({ userId: target.userId, conversationId: target.conversationId, reason: reason.value, note: note.value || undefined });
      dialog.close();
    } catch (err) {
      setText(msg, explain(err));
    }
  });
  return {
    el: dialog,
    show(conversation) {
      if (!conversation?.peer) return;
      target = { userId: conversation.peer.userId, conversationId: conversation.id };
      note.value = '';
      dialog.showModal();
    },
  };
}
