// Pieces several views share: a sensor's latest value with its age (stale ones labelled, never hidden), a device's
// state badge, an alert's severity.

import { el, link } from '../dom.js';
import {
  DEVICE_STATES, SEVERITIES, STALE_AFTER_MS, formatAge, formatReading, kindLabel, unitOf,
} from '../format.js';

const ages = new Set();

export function stateBadge(state) {
  const known = DEVICE_STATES[state] ? state : 'unknown';
  const badge = el('span', 'state-badge', el('span', 'state-dot'), el('span', 'state-text', DEVICE_STATES[known].label));
  badge.title = DEVICE_STATES[known].title;
  badge.dataset.state = known;
  return badge;
}

export function severityBadge(severity) {
  const s = SEVERITIES[severity] || SEVERITIES.info;
  const badge = el('span', `severity severity-${severity}`, el('span', 'severity-icon', s.icon), ` ${s.label}`);
  badge.dataset.severity = severity;
  return badge;
}

/** One sensor's latest reading: value, unit, age, and a "stale" label once it is older than five minutes. */
export function sensorRow(device, sensor, extra) {
  const item = el('li', 'sensor');
  item.dataset.site = device.site;
  item.dataset.device = device.device;
  item.dataset.sensor = sensor.sensor;
  item.dataset.kind = sensor.kind;
  const label = el('div', 'sensor-label', el('span', 'kind', kindLabel(sensor.kind)), el('span', 'sensor-id', sensor.sensor));
  const value = el('span', 'value');
  const age = el('div', 'sensor-age', el('span', 'stale-tag', 'stale'), el('span', 'age'));
  item.append(label, value, age);
  if (extra) item.append(extra);
  setReading(item, sensor.kind, unitOf(sensor), sensor.last);
  ages.add(item);
  return item;
}

export function setReading(item, kind, unit, last) {
  const value = item.querySelector('.value');
  if (last && typeof last.value === 'number') {
    const reading = formatReading(kind, unit, last.value);
    value.replaceChildren(el('span', 'number', reading.number), reading.unit ? el('span', 'unit', ` ${reading.unit}`) : '');
    value.classList.remove('no-reading');
    item.dataset.t = String(last.t);
  } else {
    value.replaceChildren('No reading yet');
    value.classList.add('no-reading');
    delete item.dataset.t;
  }
  updateAge(item, Date.now());
}

function updateAge(item, now) {
  const t = item.dataset.t ? Number(item.dataset.t) : null;
  const stale = t !== null && now - t > STALE_AFTER_MS;
  item.classList.toggle('is-stale', stale);
  item.dataset.stale = String(stale);
  item.querySelector('.stale-tag').hidden = !stale;
  item.title = stale ? 'No new reading for more than 5 minutes' : '';
  item.querySelector('.age').textContent = t === null ? '' : formatAge(now - t);
}

/** Ages depend on the clock, not on new data: recomputed every second for the rows still on the page. */
setInterval(() => {
  const now = Date.now();
  for (const item of [...ages]) {
    if (!item.isConnected) ages.delete(item);
    else updateAge(item, now);
  }
}, 1000);

export function deviceHead(device, href) {
  return el('header', 'device-head', el('h3', 'device-name', href ? link(href, null, device.device) : device.device),
    stateBadge(device.state));
}
