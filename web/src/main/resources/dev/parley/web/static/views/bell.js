// The sidebar's bell, which turns on push notifications for this device. It is offered while the
// browser could notify but has not been allowed to, and hidden once notifications are on or where
// the browser cannot have them. When turning them on fails (the browser's push service refused or
// could not be reached) it stays, marked, saying why, and a click tries again: a failure is never
// silent and never breaks the page.

import { h } from '../dom.js';
import { icon } from '../icons.js';
import { enableNotifications, notificationState, renewNotifications } from '../notifications.js';

const HIDDEN = new Set(['on', 'pending', 'unavailable']);

/** The bell for the signed-in device; `explain(err)` words a failure for people. */
export function notificationsBell(api, explain) {
  const button = h('button', { class: 'icon-btn bell', type: 'button', on: { click: () => attempt(enableNotifications) } },
    icon('bell'));

  function mark(state, label) {
    button.dataset.state = state;
    button.title = label;
    button.setAttribute('aria-label', label);
    button.hidden = HIDDEN.has(state);
  }

  async function attempt(turnOn) {
    button.disabled = true;
    try {
      if (await turnOn(api)) mark('on', 'Notifications are on');
      else if (notificationState() === 'default') mark('offer', 'Enable notifications');
      else mark('blocked', 'Notifications are blocked in this browser’s settings');
    } catch (err) {
      mark('failed', `Notifications could not be turned on (click to try again): ${explain(err)}`);
    } finally {
      button.disabled = false;
    }
  }

  const state = notificationState();
  if (state === 'default') {
    mark('offer', 'Enable notifications');
  } else if (state === 'granted') {
    // Allowed before: subscribe again for this sign-in without asking; hidden unless that fails.
    mark('pending', 'Turning notifications on');
    attempt(renewNotifications);
  } else {
    mark('unavailable', 'Notifications are not available in this browser');
  }
  return button;
}
