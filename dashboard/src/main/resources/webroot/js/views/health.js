// Device health: last seen, state, sensor faults from the status message, the outbox waiting on the device and what
// it dropped, whether its clock is set, agent version and config. Devices with a problem come first.

import { api } from '../api.js';
import { button, el, link, render } from '../dom.js';
import { collator, formatAge, formatDuration, formatNumber, formatTime } from '../format.js';
import { loadSites } from '../model.js';
import { go, href, withQuery } from '../router.js';
import { stateBadge } from './cards.js';
import { may } from '../session.js';

const REFRESH_MS = 15000;

export async function show(container, route, ctx) {
  const only = route.query.get('site') || '';
  const draw = async () => {
    const sites = await loadSites();
    if (!ctx.isCurrent()) return;
    const page = el('div', 'health-view');
    page.append(el('h1', 'view-title', 'Device health'));
    page.append(siteFilter(route, only, sites));
    const now = Date.now();
    for (const site of sites.filter((s) => !only || s.site === only)) {
      const section = el('section', 'site');
      section.dataset.site = site.site;
      section.append(el('h2', 'site-name', site.site));
      const devices = site.devices.slice().sort((a, b) => problems(b).length - problems(a).length
        || collator.compare(a.device, b.device));
      const list = el('div', 'cards');
      devices.forEach((d) => list.append(healthCard(site, d, now)));
      section.append(list);
      page.append(section);
    }
    render(container, page);
  };
  await draw();
  const timer = setInterval(() => draw().catch(ctx.failed), REFRESH_MS);
  return { title: 'Device health', dispose: () => clearInterval(timer) };
}

function siteFilter(route, only, sites) {
  const select = el('select');
  for (const [value, text] of [['', 'Every site'], ...sites.map((s) => [s.site, s.site])]) {
    const o = el('option', null, text);
    o.value = value;
    o.selected = value === only;
    select.append(o);
  }
  select.addEventListener('change', () => go(withQuery(route, { site: select.value })));
  return el('form', 'filters', el('label', 'filter', 'Site ', select));
}

function problems(device) {
  const h = device.health || {};
  const list = [];
  if (device.state === 'offline') list.push('offline');
  if (h.faults && Object.keys(h.faults).length) list.push('sensor faults');
  if (h.clockSynced === false) list.push('clock not set');
  if (h.dropped > 0) list.push('dropped readings');
  if (h.outbox > 1000) list.push('backlog');
  return list;
}

function healthCard(site, device, now) {
  const h = device.health;
  const card = el('article', 'device health');
  card.dataset.device = device.device;
  card.dataset.state = device.state;
  const issues = problems(device);
  card.dataset.problems = String(issues.length);
  card.append(el('header', 'device-head', el('h3', 'device-name', link(href('plot', [site.site, device.device]), null,
    device.device)), stateBadge(device.state)));
  if (issues.length) card.append(el('p', 'health-issues', `⚠ ${issues.join(', ')}`));
  const rows = [
    ['Last seen', device.lastSeen ? `${formatTime(device.lastSeen, site.zone)} (${formatAge(now - device.lastSeen)})` : 'never'],
  ];
  if (h) {
    rows.push(['Agent', h.agent ? `version ${h.agent}` : 'not said'],
      ['Running for', h.uptimeS != null ? formatDuration(h.uptimeS * 1000) : '–'],
      ['Waiting on the device', h.outbox != null ? `${formatNumber(h.outbox, '')} readings` : '–'],
      ['Dropped (outbox full)', h.dropped != null ? formatNumber(h.dropped, '') : '–'],
      ['Kept out (clock unknown)', h.uncorrectable != null ? formatNumber(h.uncorrectable, '') : '–'],
      ['Clock', h.clockSynced == null ? 'not said' : h.clockSynced ? 'set (synchronised)' : 'not set: readings wait on the device'],
      ['Config', h.config ? h.config.slice(0, 12) : 'not said']);
  } else if (!may('installer', site.site)) {
    rows.push(['Status', 'shown to installers']);
  } else {
    rows.push(['Status', 'no status message since the collector started']);
  }
  const dl = el('dl', 'facts');
  for (const [term, value] of rows) dl.append(el('dt', null, term), el('dd', null, value));
  card.append(dl);
  const faults = h && h.faults ? Object.entries(h.faults) : [];
  if (faults.length) {
    const list = el('ul', 'faults');
    faults.forEach(([sensor, why]) => {
      const item = el('li', 'fault', el('strong', null, sensor), `: ${why}`);
      item.dataset.sensor = sensor;
      list.append(item);
    });
    card.append(el('h4', 'faults-title', 'Sensor faults'), list);
  }
  if (may('installer', site.site)) card.append(pushConfig(site, device));
  return card;
}

/** An installer pastes a device config; the device's own answer (applied, rejected, rolled back) is shown. */
function pushConfig(site, device) {
  const box = el('details', 'push-config');
  box.append(el('summary', null, 'Push a config'));
  const text = el('textarea', 'push-config-text');
  text.rows = 8;
  text.setAttribute('aria-label', `Device config for ${device.device} (YAML)`);
  text.placeholder = `site: ${site.site}\ndevice: ${device.device}\nmqtt: ...`;
  const status = el('p', 'push-config-status');
  status.setAttribute('role', 'status');
  const send = button('Send to the device', 'primary', async () => {
    status.textContent = 'Sent: the device tries it, then answers…';
    send.disabled = true;
    try {
      const answer = await api.pushConfig(site.site, device.device, text.value);
      status.dataset.outcome = answer.outcome;
      status.textContent = {
        applied: 'Applied: the device runs it now',
        rejected: `Rejected by the device: ${answer.reason}`,
        rolled_back: `Rolled back: the device could not run it and runs its previous config (${answer.reason})`,
      }[answer.outcome] || `${answer.outcome.replace('_', ' ')}: ${answer.reason || ''}`;
    } catch (error) {
      status.dataset.outcome = 'failed';
      status.textContent = `Not sent: ${error.message}`;
    } finally {
      send.disabled = false;
    }
  });
  send.dataset.action = 'push-config';
  box.append(text, send, status);
  return box;
}
