// My alerts: which alerts reach the signed-in person beyond the dashboard (sites, how urgent, quiet hours in their
// own zone, e-mail, a webhook, an hourly allowance), in words a gardener reads at a glance (docs/dashboard.md).

import { api } from '../api.js';
import { button, el, render } from '../dom.js';
import {
  attempt, browserZone, checkGroup, checkbox, field, fieldset, select, statusLine, theirSites,
  timeSelect, unlessNoAccounts, zoneSelect,
} from './forms.js';

const URGENCY = [
  ['info', 'Everything, info too'],
  ['warning', 'Warnings and critical alerts'],
  ['critical', 'Only critical alerts'],
];

export async function show(container, route, ctx) {
  const loaded = await unlessNoAccounts(container, 'My alerts',
    () => Promise.all([api.myNotify(), api.sites().catch(() => [])]));
  if (!ctx.isCurrent()) return null;
  if (loaded) render(container, page(loaded[0], theirSites(loaded[1])));
  return { title: 'My alerts' };
}

function page(choice, sites) {
  const form = el('form', 'people-form my-alerts');
  form.addEventListener('submit', (event) => event.preventDefault());

  const siteBoxes = sites.map((site) => checkbox(site, choice.sites.includes(site), site));
  const urgency = select(URGENCY, choice.minSeverity);
  const which = fieldset('Which alerts',
    sites.length > 1 ? checkGroup('Sites', siteBoxes, 'Tick none to hear of all your sites.') : null,
    field('How urgent', urgency, `Critical alerts are a leak or a bed at wilting point. Info alerts never come at `
      + `once: they wait for the ${choice.digestAt} digest.`));

  const quiet = checkbox('Keep quiet hours', choice.quietFrom !== null);
  const from = timeSelect(choice.quietFrom || '22:00');
  const to = timeSelect(choice.quietTo || '07:00');
  from.setAttribute('aria-label', 'Quiet from');
  to.setAttribute('aria-label', 'Quiet until');
  const zone = zoneSelect(choice.zone || browserZone());
  const sentence = el('p', 'quiet-summary');
  const hours = el('div', 'quiet-hours', el('span', null, 'from'), from, el('span', null, 'to'), to);
  const describe = () => {
    hours.hidden = !quiet.box.checked;
    sentence.textContent = quiet.box.checked
      ? `Quiet hours: from ${from.value} to ${to.value} — leaks and other critical alerts still come through; `
        + `the rest wait for the ${choice.digestAt} digest.`
      : 'No quiet hours: alerts come whenever they happen.';
  };
  [quiet.box, from, to].forEach((c) => c.addEventListener('change', describe));
  describe();
  const when = fieldset('When', quiet.label, hours, sentence,
    field('Your time zone', zone, `Quiet hours and the ${choice.digestAt} digest follow it.`));

  const email = el('input');
  email.type = 'email';
  email.autocomplete = 'email';
  email.value = choice.email || '';
  email.placeholder = 'ann@example.org';
  const webhook = el('input');
  webhook.type = 'url';
  webhook.value = choice.webhook || '';
  webhook.placeholder = 'https://ntfy.sh/your-topic';
  const perHour = el('input');
  perHour.type = 'number';
  perHour.min = '1';
  perHour.max = '1000';
  perHour.value = String(choice.perHour);
  perHour.className = 'short-number';
  const how = fieldset('How they reach you',
    el('p', 'always', '✓ On this dashboard: always, for every site of yours.'),
    field('E-mail', email, 'Leave it empty for no e-mail. The collector needs an e-mail server to send them.'),
    field('Phone or chat (webhook)', webhook, 'A web address that gets each alert, such as an ntfy topic your phone '
      + 'follows. Leave it empty for none.'),
    field('At most this many an hour', perHour, `More than that wait for the ${choice.digestAt} digest.`));

  const status = statusLine('my-alerts-status');
  const save = button('Save', 'primary', () => attempt(status, 'Saving…', () => api.setMyNotify({
    sites: siteBoxes.filter((c) => c.box.checked).map((c) => c.box.value),
    minSeverity: urgency.value,
    quietFrom: quiet.box.checked ? from.value : null,
    quietTo: quiet.box.checked ? to.value : null,
    zone: zone.value,
    email: email.value.trim() || null,
    webhook: webhook.value.trim() || null,
    perHour: Number(perHour.value),
  }), (saved) => `Saved. ${summary(saved)}`));
  save.dataset.action = 'save-my-alerts';
  form.append(which, when, how, el('div', 'form-actions', save, status));

  return el('div', 'people-view', el('h1', 'view-title', 'My alerts'),
    el('p', 'view-sub', 'Alerts of your sites always show here. Choose which also reach you by e-mail or on your '
      + 'phone, and when to be left in peace.'),
    choice.chosen ? null : el('p', 'note', 'You have not chosen yet: alerts reach you only on this dashboard.'),
    form);
}

/** What now reaches them, in one sentence. */
function summary(saved) {
  const urgency = { info: 'all alerts', warning: 'warnings and critical alerts', critical: 'critical alerts' };
  const ways = [saved.email && `by e-mail to ${saved.email}`, saved.webhook && 'at your webhook'].filter(Boolean);
  const reach = ways.length ? ways.join(' and ') : 'on the dashboard only';
  const quiet = saved.quietFrom ? `, quiet from ${saved.quietFrom} to ${saved.quietTo} (${saved.zone})` : '';
  return `You hear of ${urgency[saved.minSeverity]} ${reach}${quiet}.`;
}
