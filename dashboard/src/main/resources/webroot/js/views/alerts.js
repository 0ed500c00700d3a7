// Alerts: open, acknowledged and resolved, filtered by site and severity; acknowledge with an optional note; each
// alert opens the chart of its sensor around its episode, and its history: who was told, who acknowledged, notes.
// Above them, the neighbouring sites' requests for help that nobody there answered, for a steward here to take.

import { api } from '../api.js';
import { button, el, link, render } from '../dom.js';
import { may, mayAnywhere } from '../session.js';
import { collator, formatDuration, formatTime } from '../format.js';
import { onAid, onAlert, onOpen } from '../live.js';
import { go, href, withQuery } from '../router.js';
import { severityBadge } from './cards.js';

const STATES = [['open', 'Open'], ['acknowledged', 'Acknowledged'], ['resolved', 'Resolved'], ['all', 'All']];
const HOUR = 3600000;

export async function show(container, route, ctx) {
  const state = route.query.get('state') || 'open';
  const site = route.query.get('site') || '';
  const severity = route.query.get('severity') || '';
  const [alerts, sites, aid] = await Promise.all([
    api.alerts({ state, site, severity }),
    api.sites().catch(() => []),
    api.aid().catch(() => ({ asked: [], offered: [] })),
  ]);
  if (!ctx.isCurrent()) return null;
  const zones = new Map(sites.map((s) => [s.site, s.zone]));
  const asked = new Map(aid.asked.map((r) => [r.alert, r]));
  const page = el('div', 'alerts-view');
  page.append(el('h1', 'view-title', 'Alerts'));
  if (aid.offered.length) {
    page.append(neighboursAsking(aid.offered), el('h2', 'aid-title', 'Alerts of this site'));
  }
  page.append(filters(route, state, site, severity, sites));
  const list = el('div', 'alert-list');
  list.setAttribute('aria-live', 'polite');
  if (!alerts.length) {
    list.append(el('p', 'note', state === 'open' ? 'No open alerts. Everything the rules watch looks fine.'
      : 'No alerts match these filters.'));
  }
  // After an acknowledgement the list is read again at once: that alert leaves the open ones.
  const again = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  alerts.forEach((a) => list.append(alertCard(a, { zone: zones.get(a.site) || '', onChange: again,
    asked: asked.get(a.id) })));
  page.append(list);
  render(container, page);
  const stopAlerts = onAlert(() => reload(container));
  const stopAid = onAid(() => reload(container));
  // What changed while the stream was away is not sent again.
  const stopOpen = onOpen(() => reload(container));
  return { title: 'Alerts', dispose: () => { stopAlerts(); stopAid(); stopOpen(); } };
}

/** Shows the list again, unless someone is writing a note: then a button offers the new list. */
function reload(container) {
  const writing = [...container.querySelectorAll('textarea')].some((t) => t.value || t === document.activeElement);
  if (!writing) {
    window.dispatchEvent(new HashChangeEvent('hashchange')); // the same URL again: show() reads the list anew
    return;
  }
  if (!container.querySelector('.list-changed')) {
    const changed = button('The list changed: show the latest', 'secondary list-changed',
      () => window.dispatchEvent(new HashChangeEvent('hashchange')));
    container.querySelector('.alert-list').before(changed);
  }
}

function filters(route, state, site, severity, sites) {
  const form = el('form', 'filters');
  form.setAttribute('aria-label', 'Filter alerts');
  form.addEventListener('submit', (e) => e.preventDefault());
  const select = (label, name, value, options) => {
    const s = el('select');
    s.name = name;
    for (const [v, text] of options) {
      const o = el('option', null, text);
      o.value = v;
      o.selected = v === value;
      s.append(o);
    }
    s.addEventListener('change', () => go(withQuery(route, { [name]: s.value })));
    return el('label', 'filter', `${label} `, s);
  };
  form.append(select('Show', 'state', state, STATES),
    select('Site', 'site', site, [['', 'Every site'], ...sites.map((s) => [s.site, s.site])
      .sort((a, b) => collator.compare(a[1], b[1]))]),
    select('Severity', 'severity', severity, [['', 'Any severity'], ['critical', 'Critical only'],
      ['warning,critical', 'Warning and critical'], ['info', 'Info only']]));
  return form;
}

/** The chart of the alert's device around its episode: six hours either side. */
export function chartHref(alert) {
  const from = alert.openedAt - 6 * HOUR;
  const to = Math.min(Date.now(), (alert.resolvedAt || Date.now()) + 6 * HOUR);
  return href('plot', [alert.site, alert.device], { from: Math.round(from), to: Math.round(Math.max(to, from + HOUR)),
    alert: alert.id });
}

/** The neighbours' open requests, newest first, each with what a helper needs and who, if anyone, is going. */
function neighboursAsking(offered) {
  const section = el('section', 'aid-requests');
  section.setAttribute('aria-labelledby', 'aid-title');
  const title = el('h2', 'aid-title', 'Neighbours asking for help');
  title.id = 'aid-title';
  section.append(title, el('p', 'note', 'Nobody at these sites answered the alert in time. If you can go, say so: '
    + 'they see who is coming.'));
  [...offered].sort((a, b) => b.askedAt - a.askedAt).forEach((r) => section.append(aidCard(r)));
  return section;
}

function aidCard(request) {
  const card = el('article', `alert aid-request alert-${request.severity}`);
  card.dataset.aid = `${request.site}/${request.alert}`;
  const where = [request.site, request.device, request.sensor].filter(Boolean).join(' / ');
  card.append(el('header', 'alert-head', severityBadge(request.severity),
    el('span', 'alert-rule', `${request.site} asks for help: ${request.rule}`), el('span', 'alert-where', where)));
  card.append(el('p', 'alert-message', request.message || ''));
  if (request.place) card.append(el('p', 'aid-place', el('strong', null, 'How to find it: '), request.place));
  card.append(el('p', 'alert-facts', `Since ${formatTime(request.since)} · asked ${formatTime(request.askedAt)}`));
  const status = el('p', 'aid-status');
  status.setAttribute('role', 'status');
  const actions = el('div', 'alert-actions');
  if (request.taken) {
    status.textContent = request.taken.site === request.tookAs
      ? `${request.taken.person} of ${request.taken.site} is going; ${request.site} knows.`
      : `${request.taken.person} of ${request.taken.site} is going.`;
  } else if (request.tookAs) {
    status.textContent = `You said you would go; waiting for ${request.site} to hear it.`;
  } else if (mayAnywhere('steward')) {
    const take = button('I\'ll take it', 'primary', async () => {
      take.disabled = true;
      status.textContent = 'Telling them…';
      try {
        await api.takeAid(request.site, request.alert);
        status.textContent = `You said you would go; waiting for ${request.site} to hear it.`;
        take.remove();
      } catch (error) {
        status.textContent = `Could not take it: ${error.message}`;
        take.disabled = false;
      }
    });
    take.dataset.action = 'take';
    actions.append(take);
  } else {
    status.textContent = 'Nobody has taken it yet; a steward of this site can.';
  }
  card.append(status, actions);
  return card;
}

export function alertCard(alert, { zone = '', compact = false, onChange, asked } = {}) {
  const card = el('article', `alert alert-${alert.severity} alert-state-${alert.state}`);
  card.dataset.alert = alert.id;
  card.dataset.state = alert.state;
  const where = [alert.site, alert.device, alert.sensor].filter(Boolean).join(' / ');
  const ongoing = alert.resolvedAt ? `lasted ${formatDuration(alert.resolvedAt - alert.openedAt)}`
    : `open for ${formatDuration(Math.max(0, Date.now() - alert.openedAt))}`;
  card.append(el('header', 'alert-head', severityBadge(alert.severity), el('span', 'alert-rule', alert.rule),
    el('span', 'alert-where', where)));
  card.append(el('p', 'alert-message', alert.message || ''));
  // A rule with a duration (a dry spell, days below the neighbours) opens after its condition began.
  const began = alert.since && alert.since < alert.openedAt
    ? ` · condition since ${formatTime(alert.since, zone)}` : '';
  const facts = el('p', 'alert-facts', `Opened ${formatTime(alert.openedAt, zone)}${began} · ${ongoing}`);
  if (alert.acknowledgedAt) {
    facts.append(` · acknowledged ${formatTime(alert.acknowledgedAt, zone)}${alert.acknowledgedBy
      ? ` by ${alert.acknowledgedBy}` : ''}`);
  }
  if (alert.resolvedAt) facts.append(` · resolved ${formatTime(alert.resolvedAt, zone)}`);
  card.append(facts);
  if (asked && !asked.taken) {
    card.append(el('p', 'aid-status', `Nobody here answered it in time: offered to the neighbouring sites `
      + `${formatTime(asked.askedAt, zone)}; nobody has taken it yet.`));
  }
  if (alert.note) card.append(el('p', 'alert-note', el('strong', null, 'Note: '), alert.note));
  const actions = el('div', 'alert-actions');
  if (alert.device) actions.append(link(chartHref(alert), 'button-link', 'Show the chart'));
  if (alert.state === 'open' && may('steward', alert.site)) actions.append(ackControl(alert, compact, onChange, card));
  if (alert.state === 'acknowledged' && !compact && may('steward', alert.site)) {
    actions.append(noteControl(alert, onChange));
  }
  card.append(actions);
  if (!compact) card.append(historyControl(alert, zone));
  return card;
}

const HISTORY_WORDS = {
  opened: 'Opened', told: 'Told', 'not told': 'Not told', acknowledged: 'Acknowledged', resolved: 'Resolved',
  'asked neighbours': 'Asked the neighbours for help',
};

/** The alert's history, read when it is opened: who was told and why, who acknowledged it and what they wrote. */
function historyControl(alert, zone) {
  const details = el('details', 'alert-history');
  const list = el('ol', 'history-list');
  details.append(el('summary', null, 'History'), list);
  details.addEventListener('toggle', async () => {
    if (!details.open || details.dataset.loaded) return;
    list.replaceChildren(el('li', 'note', 'Loading…'));
    try {
      const answer = await api.alert(alert.id);
      details.dataset.loaded = 'true';
      list.replaceChildren(...answer.history.map((entry) => historyLine(entry, zone)));
    } catch (error) {
      list.replaceChildren(el('li', 'note', `The history could not be read: ${error.message}`));
    }
  });
  return details;
}

function historyLine(entry, zone) {
  const line = el('li', `history-${entry.what}`, el('time', 'history-time', formatTime(entry.at, zone)), ' ',
    el('strong', null, HISTORY_WORDS[entry.what] || entry.what));
  line.dataset.what = entry.what;
  if ((entry.what === 'told' || entry.what === 'not told') && entry.person) line.append(` ${entry.person}`);
  if (entry.what === 'acknowledged' && entry.person) line.append(` by ${entry.person}`);
  if (entry.note) {
    line.append(entry.what === 'acknowledged' ? el('span', 'history-note', entry.note) : ` — ${entry.note}`);
  }
  return line;
}

/** Adds a note to an acknowledged alert, kept in its history with who wrote it. */
function noteControl(alert, onChange) {
  const holder = el('div', 'ack');
  const { note, label: noteLabel, status } = noteField('What was done since');
  noteLabel.hidden = true;
  const save = button('Save the note', 'primary', async () => {
    if (!note.value.trim()) {
      status.textContent = 'Write the note first.';
      return;
    }
    save.disabled = true;
    status.textContent = 'Saving…';
    try {
      await api.acknowledge(alert.id, note.value.trim());
      status.textContent = 'Saved';
      note.value = '';
      if (onChange) onChange();
    } catch (error) {
      status.textContent = `Could not save the note: ${error.message}`;
      save.disabled = false;
    }
  });
  save.hidden = true;
  const more = button('Add a note', 'secondary', () => {
    noteLabel.hidden = false;
    save.hidden = false;
    more.hidden = true;
    note.focus();
  });
  more.dataset.action = 'add-note';
  holder.append(more, noteLabel, save, status);
  return holder;
}

/** A note of at most 500 characters (as the API takes), with its label and a status line for the outcome. */
function noteField(placeholder) {
  const note = el('textarea');
  note.maxLength = 500;
  note.rows = 2;
  note.placeholder = placeholder;
  const status = el('span', 'ack-status');
  status.setAttribute('role', 'status');
  return { note, label: el('label', 'ack-note', 'Note ', note), status };
}

function ackControl(alert, compact, onChange, card) {
  const holder = el('div', 'ack');
  const { note, label: noteLabel, status } = noteField('What was done (optional)');
  noteLabel.hidden = compact;
  const ack = button('Acknowledge', 'primary', async () => {
    ack.disabled = true;
    status.textContent = 'Acknowledging…';
    try {
      await api.acknowledge(alert.id, note.value.trim());
      status.textContent = 'Acknowledged';
      card.dataset.state = 'acknowledged';
      if (onChange) onChange();
    } catch (error) {
      status.textContent = `Could not acknowledge: ${error.message}`;
      ack.disabled = false;
    }
  });
  ack.dataset.action = 'acknowledge';
  if (compact) {
    const more = button('Add a note', 'secondary', () => {
      noteLabel.hidden = false;
      more.hidden = true;
      note.focus();
    });
    holder.append(ack, more, noteLabel, status);
  } else {
    holder.append(noteLabel, ack, status);
  }
  return holder;
}
