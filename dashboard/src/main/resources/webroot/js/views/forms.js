// Pieces of the people pages' forms (My alerts, Rota, People): labelled fields, times of day and time zones as
// lists to pick from (the same on every phone and locale), a status line that says what the collector answered,
// and the notice an open collector (the demo) shows instead of the page.

import { el, render } from '../dom.js';
import { signedIn } from '../session.js';

export const DAYS = [['mon', 'Mon'], ['tue', 'Tue'], ['wed', 'Wed'], ['thu', 'Thu'], ['fri', 'Fri'], ['sat', 'Sat'],
  ['sun', 'Sun']];
const STEP_MINUTES = 30;
let ids = 0;

/** The sites the API lists for them, and those their roles name that have sent nothing yet. */
export function theirSites(sites) {
  const named = signedIn().roles.map((r) => r.site).filter((s) => s !== '*');
  return [...new Set([...sites.map((s) => s.site), ...named])].sort();
}

/** A label, its control and a hint under it, tied together for screen readers. */
export function field(label, control, hint) {
  control.id = control.id || `field-${++ids}`;
  const node = el('div', 'field', el('label', 'field-label', label));
  node.querySelector('label').htmlFor = control.id;
  node.append(control);
  if (hint) {
    const help = el('p', 'hint field-hint', hint);
    help.id = `${control.id}-hint`;
    control.setAttribute('aria-describedby', help.id);
    node.append(help);
  }
  return node;
}

/** Checkboxes under one name: a fieldset of its own, as no single label can name them all. */
export function checkGroup(legend, boxes, hint) {
  return el('fieldset', 'field check-group', el('legend', 'field-label', legend),
    el('div', 'checks', ...boxes.map((c) => c.label)), hint ? el('p', 'hint field-hint', hint) : null);
}

export function fieldset(legend, ...children) {
  return el('fieldset', 'form-group', el('legend', null, legend), ...children);
}

export function select(options, selected) {
  const node = el('select');
  for (const [value, text] of options) {
    const option = el('option', null, text);
    option.value = value;
    option.selected = value === selected;
    node.append(option);
  }
  return node;
}

/** HH:MM every half hour, and `value` itself when it falls between. */
export function timeSelect(value) {
  const times = [];
  for (let m = 0; m < 24 * 60; m += STEP_MINUTES) {
    times.push(`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
  }
  if (value && !times.includes(value)) times.push(value);
  times.sort();
  return select(times.map((t) => [t, t]), value);
}

/** The browser's own zone, when the person has not chosen one. */
export function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch (error) {
    return 'UTC';
  }
}

export function zoneSelect(value) {
  let zones = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch (error) {
    zones = [];
  }
  const all = [...new Set(['UTC', ...zones, value].filter(Boolean))].sort();
  return select(all.map((z) => [z, z.replace(/_/g, ' ')]), value);
}

export function checkbox(label, checked, value) {
  const box = el('input');
  box.type = 'checkbox';
  box.checked = Boolean(checked);
  if (value !== undefined) box.value = value;
  return { box, label: el('label', 'check', box, ` ${label}`) };
}

/** "Every day", "Mon, Wed", "Mon–Fri": three days or more in a row as a span. */
export function describeDays(days) {
  if (days.length === 7) return 'Every day';
  const runs = [];
  DAYS.forEach(([code, label], i) => {
    if (!days.includes(code)) return;
    const last = runs[runs.length - 1];
    if (last && last.end === i - 1) {
      last.end = i;
      last.to = label;
    } else {
      runs.push({ start: i, end: i, from: label, to: label });
    }
  });
  return runs.flatMap((r) => (r.end - r.start >= 2 ? [`${r.from}–${r.to}`]
    : DAYS.slice(r.start, r.end + 1).map(([, label]) => label))).join(', ');
}

/** "07:00–12:00", "all day", "19:00–07:00 next day". */
export function describeHours(start, end) {
  if (start === end) return 'all day';
  return `${start}–${end}${end < start ? ' next day' : ''}`;
}

/** A line that says what happened: role=status, so a screen reader reads it out. */
export function statusLine(className) {
  const line = el('p', `form-status ${className || ''}`.trim());
  line.setAttribute('role', 'status');
  return line;
}

export function say(line, outcome, text) {
  line.dataset.outcome = outcome;
  line.textContent = text;
}

/** Runs a change, saying so on `line`: the collector's own sentence when it refuses. */
export async function attempt(line, busy, work, done) {
  say(line, 'busy', busy);
  try {
    const answer = await work();
    say(line, 'saved', done(answer));
    return answer;
  } catch (error) {
    say(line, 'refused', `Not done: ${error.message}`);
    return null;
  }
}

/**
 * What `load` answers, or null on an open collector (the demo), which has no people: its refusal is then shown
 * with how to add accounts, instead of the page.
 */
export async function unlessNoAccounts(container, title, load) {
  try {
    return await load();
  } catch (error) {
    if (!signedIn().open) throw error;
    noAccounts(container, title, error.message);
    return null;
  }
}

function noAccounts(container, title, sentence) {
  render(container, el('div', 'people-view', el('h1', 'view-title', title),
    el('div', 'problem no-accounts',
      el('h2', null, 'This Steward has no accounts'),
      el('p', null, 'It was started open, as the demo is: nobody signs in, so nobody gets alerts of their own, '
        + 'stands on a rota or has a role to manage.'),
      el('p', null, 'To give people accounts, add the first admin on the collector\'s machine and start it without '
        + '--open:'),
      el('pre', 'command', el('code', null, 'bin/steward user add ann --role admin --data ./data\n'
        + 'bin/steward collector --data ./data ...')),
      el('p', 'hint', `The collector says: ${sentence}`))));
}
