// The "new conversation" dialog: a direct chat with one username, or a group with a title and
// members. The node validates everything; its error messages are shown as they come.

import { h, setText } from '../dom.js';
import { icon } from '../icons.js';

/**
 * @param {object} o
 * @param {(username: string) => Promise<void>} o.direct
 * @param {(title: string, usernames: string[]) => Promise<void>} o.group
 * @returns {{el: HTMLDialogElement, show: (mode: 'direct'|'group') => void}}
 */
export function newConversationDialog({ direct, group }) {
  let mode = 'direct';
  const username = h('input', {
    id: 'new-username', type: 'text', autocomplete: 'off', placeholder: 'username',
    attrs: { autocapitalize: 'none', spellcheck: 'false', maxlength: '32' },
  });
  const title = h('input', { id: 'new-title', type: 'text', autocomplete: 'off', placeholder: 'e.g. Climbing', attrs: { maxlength: '128' } });
  const members = h('input', {
    id: 'new-members', type: 'text', autocomplete: 'off', placeholder: 'bob, carol',
    attrs: { autocapitalize: 'none', spellcheck: 'false' },
  });
  const directFields = h('div', { class: 'dialog-fields' },
    h('label', { class: 'field', attrs: { for: 'new-username' } }, h('span', { text: 'Username' }), username));
  const groupFields = h('div', { class: 'dialog-fields' },
    h('label', { class: 'field', attrs: { for: 'new-title' } }, h('span', { text: 'Group name' }), title),
    h('label', { class: 'field', attrs: { for: 'new-members' } }, h('span', { text: 'Members' }), members),
    h('p', { class: 'field-hint', text: 'Usernames, separated by commas or spaces.' }));
  const error = h('p', { class: 'form-error', attrs: { role: 'alert' } });
  const submit = h('button', { class: 'btn btn-primary', type: 'submit', text: 'Start chat' });
  const cancel = h('button', { class: 'btn', type: 'button', text: 'Cancel' });
  const tabDirect = h('button', { type: 'button', class: 'tab', text: 'Direct', attrs: { role: 'tab' } });
  const tabGroup = h('button', { type: 'button', class: 'tab', text: 'Group', attrs: { role: 'tab' } });
  const heading = h('h2', { class: 'dialog-title' });

  const form = h('form', { class: 'dialog-form', attrs: { novalidate: '' } },
    h('div', { class: 'dialog-head' }, heading,
      h('button', { class: 'icon-btn', type: 'button', attrs: { 'aria-label': 'Close' }, on: { click: () => dialog.close() } }, icon('close'))),
    h('div', { class: 'tabs', attrs: { role: 'tablist' } }, tabDirect, tabGroup),
    directFields, groupFields, error,
    h('div', { class: 'dialog-actions' }, cancel, submit));
  const dialog = h('dialog', { class: 'dialog', attrs: { 'aria-labelledby': 'dialog-title' } }, form);
  heading.id = 'dialog-title';

  function setMode(m) {
    mode = m;
    tabDirect.setAttribute('aria-selected', String(m === 'direct'));
    tabGroup.setAttribute('aria-selected', String(m === 'group'));
    directFields.hidden = m !== 'direct';
    groupFields.hidden = m !== 'group';
    setText(heading, m === 'direct' ? 'New chat' : 'New group');
    setText(submit, m === 'direct' ? 'Start chat' : 'Create group');
    setText(error, '');
    (m === 'direct' ? username : title).focus();
  }
  tabDirect.addEventListener('click', () => setMode('direct'));
  tabGroup.addEventListener('click', () => setMode('group'));
  cancel.addEventListener('click', () => dialog.close());
  // A click on the backdrop lands on the dialog element itself.
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) dialog.close();
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setText(error, '');
    submit.disabled = true;
    try {
      if (mode === 'direct') {
        const name = username.value.trim().toLowerCase();
        if (!name) throw new Error('Enter a username.');
        await direct(name);
      } else {
        const t = title.value.trim();
        const names = members.value.split(/[\s,]+/u).map((n) => n.trim().toLowerCase()).filter(Boolean);
        if (!t) throw new Error('Give the group a name.');
        await group(t, names);
      }
      dialog.close();
    } catch (err) {
      setText(error, err.message || 'Something went wrong.');
    } finally {
      submit.disabled = false;
    }
  });

  return {
    el: dialog,
    show(m) {
      username.value = '';
      title.value = '';
      members.value = '';
      dialog.showModal();
      setMode(m);
    },
  };
}
