// Rota: a site's watering rota, who is on duty now, and how long an alert waits for an answer before it goes on.
// Its admins put stewards on duty, take shifts off and change that time; everyone else reads it (docs/dashboard.md).

import { api } from '../api.js';
import { button, el, render } from '../dom.js';
import { go, href } from '../router.js';
import { may } from '../session.js';
import {
  DAYS, attempt, checkGroup, checkbox, describeDays, describeHours, field, fieldset, say, select,
  statusLine, theirSites, timeSelect, unlessNoAccounts, zoneSelect,
} from './forms.js';

const REFRESH_MS = 60000;

export async function show(container, route, ctx) {
  const all = theirSites(await api.sites().catch(() => []));
  const site = route.segments[0] || all[0];
  if (!site) {
    render(container, el('div', 'people-view', el('h1', 'view-title', 'Rota'),
      el('p', 'note', 'No sites yet: a site appears once one of its devices sends readings.')));
    return { title: 'Rota' };
  }
  const rota = await unlessNoAccounts(container, 'Rota', () => api.rota(site));
  if (!ctx.isCurrent()) return null;
  if (!rota) return { title: 'Rota' };
  const draw = (answer, done) => render(container, page(answer, all, draw, done));
  draw(rota);
  // Who is on duty changes with the clock: the list is drawn again, the forms being filled in are left as they are.
  const timer = setInterval(async () => {
    const fresh = await api.rota(site).catch(ctx.failed);
    if (!fresh || !ctx.isCurrent()) return;
    container.querySelector('.on-duty-now').replaceWith(onDutyNow(fresh));
    container.querySelector('.rota-list').replaceWith(shiftList(fresh, may('admin', site), draw));
  }, REFRESH_MS);
  return { title: `Rota · ${site}`, dispose: () => clearInterval(timer) };
}

/** @param done what the last change did, said at the top of the redrawn page */
function page(rota, sites, draw, done) {
  const admin = may('admin', rota.site);
  const view = el('div', 'people-view rota-view');
  view.dataset.site = rota.site;
  const head = el('div', 'view-head', el('h1', 'view-title', `Rota · ${rota.site}`));
  if (sites.length > 1) {
    const choose = select(sites.map((s) => [s, s]), rota.site);
    choose.addEventListener('change', () => go(href('rota', [choose.value])));
    head.append(el('label', 'filter', 'Site ', choose));
  }
  view.append(head);
  if (done) {
    const line = statusLine('rota-done');
    say(line, 'saved', done);
    view.append(line);
  }
  view.append(onDutyNow(rota));
  const minutes = Math.round(rota.escalation.afterSeconds / 60);
  view.append(el('p', 'rota-escalation', `If nobody acknowledges a warning or critical alert within ${minutes} `
    + `minute${minutes === 1 ? '' : 's'}, it goes to the next on duty, then to every steward of ${rota.site}.`));
  view.append(shiftList(rota, admin, draw));
  if (admin) view.append(adminForms(rota, draw));
  return view;
}

function onDutyNow(rota) {
  const box = el('p', 'on-duty-now');
  box.setAttribute('aria-live', 'polite');
  if (rota.onDuty.length) {
    box.append('On duty now: ', el('strong', null, rota.onDuty.join(', ')));
  } else {
    box.classList.add('nobody');
    box.append(rota.shifts.length ? 'Nobody is on duty now: ' : 'No rota yet: ',
      'each alert reaches people as they chose on My alerts.');
  }
  return box;
}

function shiftList(rota, admin, draw) {
  const list = el('ol', 'rota-list');
  list.setAttribute('aria-label', `Shifts at ${rota.site}, in the order they are told`);
  for (const shift of rota.shifts) {
    const when = `${describeDays(shift.days)} · ${describeHours(shift.start, shift.end)} (${shift.zone})`;
    // Hours and zone never break inside: a phone wraps the line between them.
    const text = el('span', 'shift-text', el('span', 'shift-when', describeDays(shift.days), ' · ',
      el('span', 'nowrap', describeHours(shift.start, shift.end)), ' ', el('span', 'nowrap', `(${shift.zone})`)),
    ' · ', el('strong', 'shift-name', shift.name));
    if (shift.onDuty) text.append(' ', el('span', 'duty-badge', '● on duty now'));
    const item = el('li', 'shift', text);
    item.dataset.position = String(shift.position);
    item.dataset.onDuty = String(shift.onDuty);
    if (!shift.reachable) {
      item.append(el('span', 'shift-note', `${shift.name} has no e-mail or webhook on My alerts: told only on `
        + 'this dashboard.'));
    }
    if (admin) {
      const remove = button('Remove', 'secondary shift-remove', async () => {
        remove.disabled = true;
        const answer = await api.removeShift(rota.site, shift.position).catch((error) => {
          item.append(el('span', 'shift-note refused', `Not removed: ${error.message}`));
          remove.disabled = false;
          return null;
        });
        if (answer) draw(answer, `Removed ${shift.name}'s shift: ${when}.`);
      });
      remove.setAttribute('aria-label', `Remove ${shift.name}'s shift: ${when}`);
      remove.dataset.action = 'remove-shift';
      item.append(remove);
    }
    list.append(item);
  }
  return list;
}

function adminForms(rota, draw) {
  const box = el('div', 'rota-admin');
  const stewards = rota.stewards || [];
  const who = select(stewards.map((s) => [s, s]), stewards[0]);
  const days = DAYS.map(([code, label]) => checkbox(label, true, code));
  const from = timeSelect('07:00');
  const to = timeSelect('19:00');
  const zone = zoneSelect(rota.zone);
  const added = statusLine('rota-status');
  const add = button('Add to the rota', 'primary', () => attempt(added, 'Adding…', () => api.addShift(rota.site, {
    name: who.value,
    days: days.filter((d) => d.box.checked).map((d) => d.box.value),
    start: from.value,
    end: to.value,
    zone: zone.value,
  }), () => 'Added.').then((answer) => answer && draw(answer, `Added a shift for ${who.value}.`)));
  add.dataset.action = 'add-shift';
  const shiftForm = el('form', 'people-form', fieldset('Put someone on duty',
    stewards.length ? field('Who', who, `Only stewards of ${rota.site} can be on duty; give someone that role on People.`)
      : el('p', 'note', `Nobody is a steward of ${rota.site} yet: give someone the steward role on People first.`),
    checkGroup('Days', days),
    el('div', 'field-row', field('From', from), field('To', to)),
    el('p', 'hint', 'The same time twice: all day. An end before the start runs over midnight.'),
    field('Time zone', zone, 'The hours are in this zone; the site\'s own is chosen.'),
    el('div', 'form-actions', add, added)));
  shiftForm.addEventListener('submit', (event) => event.preventDefault());

  const minutes = el('input', 'short-number');
  minutes.type = 'number';
  minutes.min = '1';
  minutes.max = '1440';
  minutes.value = String(Math.round(rota.escalation.afterSeconds / 60));
  const changed = statusLine('escalation-status');
  const change = button('Change', 'secondary', () => attempt(changed, 'Changing…',
    () => api.setEscalation(rota.site, Number(minutes.value) * 60), () => 'Changed.')
    .then((answer) => answer && draw(answer, `Unanswered alerts now go on after ${minutes.value} minutes.`)));
  change.dataset.action = 'set-escalation';
  const escalationForm = el('form', 'people-form', fieldset('When nobody answers',
    field('Pass an unanswered alert on after (minutes)', minutes, '1 to 1440; 30 is the default.'),
    el('div', 'form-actions', change, changed)));
  escalationForm.addEventListener('submit', (event) => event.preventDefault());
  box.append(shiftForm, escalationForm);
  return box;
}
