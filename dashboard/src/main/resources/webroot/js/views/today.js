// Today: per site, open alerts first; each bed's moisture now with its band and a 24 h sparkline; water used
// today; each array's power now, energy today and specific yield against expected; devices offline or failing.

import { api } from '../api.js';
import { sparkline, sweep } from '../chart.js';
import { el, link, render } from '../dom.js';
import { formatNumber, formatTime, plural, startOfDay, unitOf } from '../format.js';
import { onReadings } from '../live.js';
import {
  PERFORMANCE_RATIO, arraysOf, band, isBed, loadSites, sensorsOfKind, thresholdsFor, zonesFor,
} from '../model.js';
import { href } from '../router.js';
import { alertCard } from './alerts.js';
import { deviceHead, sensorRow, setReading } from './cards.js';

const DAY = 24 * 3600 * 1000;
const REFRESH_MS = 60000;

export async function show(container, route, ctx) {
  const only = route.segments[0] || null;
  let timer = null;
  let stopLive = () => {};
  const draw = async () => {
    const now = Date.now();
    const [sites, active] = await Promise.all([loadSites(), api.alerts({ state: 'active' })]);
    const shown = only ? sites.filter((s) => s.site === only) : sites;
    const moisture = shown.flatMap((s) => s.devices.flatMap((d) => sensorsOfKind(d, 'soil_moisture')
      .map((m) => ({ site: s.site, device: d.device, sensor: m.sensor }))));
    const irradiance = shown.flatMap((s) => s.devices.flatMap((d) => sensorsOfKind(d, 'irradiance')
      .map((m) => ({ site: s.site, device: d.device, sensor: m.sensor, zone: s.zone }))));
    const [sparks, sunshine, counters] = await Promise.all([
      moisture.length ? api.batch(moisture, now - DAY, now, 96) : { series: [] },
      Promise.all(irradiance.map((i) => api.batch([i], startOfDay(now, i.zone), now, 96).catch(() => null))),
      Promise.all(shown.flatMap((s) => s.devices.flatMap((d) => d.sensors
        .filter((x) => x.kind === 'water_total' || x.kind === 'energy_total')
        .map((x) => api.totals(s.site, d.device, x.sensor, now - 1.5 * DAY, now, 'day')
          .then((t) => ({ site: s.site, device: d.device, sensor: x.sensor, kind: x.kind, today: todayOf(t, now) }))
          .catch(() => null))))),
    ]);
    if (!ctx.isCurrent()) return;
    const page = el('div', 'today');
    page.append(el('h1', 'view-title', only ? `${only} today` : 'Today'));
    if (!sites.length) {
      page.append(emptyNotice());
    }
    for (const site of shown) {
      page.append(siteSection(site, {
        redraw: () => draw().catch(ctx.failed),
        now, alerts: active.filter((a) => a.site === site.site), sparks: sparks.series,
        counters: counters.filter((c) => c && c.site === site.site),
        sunshine: sunshine.filter((b) => b && b.series[0] && b.series[0].site === site.site).map((b) => b.series[0]),
      }));
    }
    render(container, page);
    sweep(); // the sparklines this redraw replaced
  };
  await draw();
  // Values change in place as readings arrive; the rest (sparklines, today's totals) every minute.
  stopLive = onReadings((message) => {
    for (const r of message.readings) {
      const row = container.querySelector(`li.sensor[data-site="${CSS.escape(message.site)}"][data-device="${
        CSS.escape(message.device)}"][data-sensor="${CSS.escape(r.sensor)}"]`);
      if (row && (!row.dataset.t || Number(row.dataset.t) <= r.t)) {
        setReading(row, r.kind, r.unit || unitOf(r), { t: r.t, value: r.value });
      }
    }
  });
  timer = setInterval(() => draw().catch(ctx.failed), REFRESH_MS);
  return {
    title: only ? `${only} today` : 'Today', live: true, dispose: () => { clearInterval(timer); stopLive(); },
  };
}

function todayOf(totals, now) {
  const periods = totals && Array.isArray(totals.periods) ? totals.periods : [];
  const today = periods.find((p) => p.start <= now && now < p.end);
  return today ? today.total : 0;
}

function emptyNotice() {
  return el('div', 'empty', el('h2', null, 'No devices yet'),
    el('p', null, 'Readings appear here as soon as an edge agent sends them to the collector.'),
    el('p', null, 'Each device publishes to the MQTT topic ', el('code', null, 'steward/v1/{site}/{device}/readings'),
      '; its site and its sensors show up on this page within a few seconds of its first reading.'),
    el('p', null, 'To see how it looks first, run ', el('code', null, 'bin/steward demo'), '.'));
}

function siteSection(site, data) {
  const section = el('section', 'site');
  section.dataset.site = site.site;
  const offline = site.devices.filter((d) => d.state === 'offline');
  const arrays = arraysOf(site);
  const summary = [plural(site.devices.length, 'device'),
    offline.length ? `${offline.length} offline` : 'all reporting',
    data.alerts.length ? plural(data.alerts.length, 'open alert') : 'no open alerts'];
  const head = el('header', 'site-head', el('h2', 'site-name', site.site), el('p', 'site-summary', summary.join(' · ')));
  const links = el('p', 'site-links');
  if (arrays.length) links.append(link(href('array', [site.site]), 'button-link', 'Arrays'));
  links.append(link(href('alerts', [], { site: site.site }), 'button-link', 'Alerts'),
    link(href('health', [], { site: site.site }), 'button-link', 'Device health'),
    link(href('report', [], { site: site.site }), 'button-link', 'Report'));
  head.append(links);
  section.append(head);

  if (data.alerts.length) {
    const list = el('div', 'site-alerts');
    list.setAttribute('aria-label', `Open alerts of ${site.site}`);
    data.alerts.forEach((a) => list.append(alertCard(a, { zone: site.zone, compact: true, onChange: data.redraw })));
    section.append(list);
  }

  const attention = site.devices.filter((d) => d.state === 'offline'
    || (d.health && d.health.faults && Object.keys(d.health.faults).length));
  if (attention.length) {
    section.append(el('h3', 'group-title', 'Needs attention'));
    const list = el('ul', 'attention');
    for (const d of attention) {
      const faults = d.health && d.health.faults ? Object.entries(d.health.faults) : [];
      list.append(el('li', 'attention-item', link(href('health', [], { site: site.site }), null, d.device), ': ',
        d.state === 'offline' ? `offline${d.lastSeen ? `, last seen ${formatTime(d.lastSeen, site.zone)}` : ''}` : '',
        d.state === 'offline' && faults.length ? '; ' : '',
        faults.map(([sensor, why]) => `${sensor}: ${why}`).join('; ')));
    }
    section.append(list);
  }

  const beds = site.devices.filter(isBed);
  const arrayDevices = new Set(arrays.map((a) => a.device));
  if (beds.length) {
    section.append(el('h3', 'group-title', 'Beds'));
    const cards = el('div', 'cards');
    beds.forEach((d) => cards.append(bedCard(site, d, data)));
    section.append(cards);
  }
  if (arrays.length) {
    section.append(el('h3', 'group-title', 'Arrays'));
    const cards = el('div', 'cards');
    arrays.forEach((a) => cards.append(arrayCard(site, a, arrays, data)));
    section.append(cards);
  }
  const others = site.devices.filter((d) => !isBed(d) && !arrayDevices.has(d.device));
  if (others.length) {
    section.append(el('h3', 'group-title', beds.length || arrays.length ? 'Other devices' : 'Devices'));
    const cards = el('div', 'cards');
    others.forEach((d) => cards.append(deviceCard(site, d)));
    section.append(cards);
  }
  return section;
}

function deviceCard(site, device, plotHref) {
  const article = el('article', 'device');
  article.dataset.site = site.site;
  article.dataset.device = device.device;
  article.dataset.state = device.state;
  article.append(deviceHead(device, plotHref || href('plot', [site.site, device.device])));
  if (device.state === 'offline') article.append(el('p', 'device-note', 'Offline: these are the last readings it sent.'));
  return article;
}

function bedCard(site, device, data) {
  const article = deviceCard(site, device);
  const list = el('ul', 'sensors');
  for (const sensor of device.sensors) {
    let extra = null;
    if (sensor.kind === 'soil_moisture') {
      const rules = thresholdsFor(site, device.device, sensor.sensor, 'soil_moisture');
      const b = sensor.last ? band(rules, sensor.last.value) : null;
      extra = el('div', 'moisture-extra');
      if (b) {
        const chip = el('span', `band band-${b.id}`, el('span', 'band-icon', b.icon), ` ${b.label}`);
        chip.dataset.band = b.id;
        extra.append(chip);
      }
      const spark = data.sparks.find((s) => s.device === device.device && s.sensor === sensor.sensor && s.site === site.site);
      if (spark && spark.t.length) {
        const holder = el('div', 'spark-holder');
        extra.append(holder);
        requestAnimationFrame(() => sparkline(holder, spark.t, spark.value, {
          thresholds: zonesFor(rules), label: `${sensor.sensor} over the last 24 hours`,
        }));
      }
    }
    if (sensor.kind === 'water_total') {
      const counter = data.counters.find((c) => c.device === device.device && c.sensor === sensor.sensor);
      if (counter) {
        extra = el('div', 'today-total', 'Used today: ', el('strong', null, `${formatNumber(counter.today, 'L')} L`));
        extra.dataset.waterToday = String(counter.today);
      }
    }
    list.append(sensorRow({ site: site.site, device: device.device }, sensor, extra));
  }
  article.append(list);
  return article;
}

function arrayCard(site, array, arrays, data) {
  const device = array.info || { device: array.device, state: 'unknown', sensors: [] };
  const article = deviceCard(site, device, href('array', [site.site]));
  const energy = data.counters.find((c) => c.device === array.device && c.kind === 'energy_total');
  const todayKWh = energy ? energy.today / 1000 : null;
  const figures = el('div', 'array-figures');
  if (todayKWh !== null) {
    figures.append(el('p', 'array-energy', 'Energy today: ', el('strong', null, `${formatNumber(todayKWh, 'kWh')} kWh`)));
  }
  if (todayKWh !== null && array.peakPowerW) {
    const yieldToday = todayKWh / (array.peakPowerW / 1000);
    const expected = expectedYield(site, array, arrays, data);
    const line = el('p', 'array-yield', 'Specific yield: ', el('strong', null, `${formatNumber(yieldToday, 'kWh/kWp')} kWh/kWp`));
    line.dataset.yield = String(yieldToday);
    if (expected) {
      const ratio = expected.value > 0 ? yieldToday / expected.value : null;
      line.append(` · expected ${formatNumber(expected.value, 'kWh/kWp')} (${expected.basis})`);
      if (ratio !== null && ratio < 0.75 && expected.value > 0.2) {
        line.append(el('span', 'band band-dry', el('span', 'band-icon', '▼'), ` ${Math.round(ratio * 100)} % of expected`));
      }
    }
    figures.append(line);
  }
  article.append(figures);
  const list = el('ul', 'sensors');
  device.sensors.forEach((s) => list.append(sensorRow({ site: site.site, device: device.device }, s)));
  article.append(list);
  return article;
}

/** From today's sunshine (irradiance) and the performance ratio; without it, from the site's other arrays. */
function expectedYield(site, array, arrays, data) {
  if (data.sunshine.length) {
    const series = data.sunshine[0];
    let kWhPerM2 = 0;
    for (let i = 0; i < series.t.length; i++) {
      const next = i + 1 < series.t.length ? series.t[i + 1] : data.now;
      kWhPerM2 += (series.value[i] * Math.min(next - series.t[i], 15 * 60000)) / 3600000 / 1000;
    }
    return { value: kWhPerM2 * PERFORMANCE_RATIO, basis: 'from irradiance' };
  }
  const others = arrays.filter((a) => a.device !== array.device && a.peakPowerW)
    .map((a) => data.counters.find((c) => c.device === a.device && c.kind === 'energy_total'))
    .filter(Boolean);
  if (!others.length) return null;
  const yields = others.map((c) => {
    const peak = arrays.find((a) => a.device === c.device).peakPowerW;
    return c.today / 1000 / (peak / 1000);
  }).sort((a, b) => a - b);
  return { value: yields[Math.floor(yields.length / 2)], basis: 'from the other arrays' };
}

