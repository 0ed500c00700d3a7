// Plot view of one bed or device: soil moisture per sensor with the rules' thresholds as bands, valve-open periods
// shaded, flow, daily water use as bars, soil temperature, and alerts marked where their episodes begin.

import { api } from '../api.js';
import { COLORS, barChart, pointsFor, timeChart } from '../chart.js';
import { el, link, render } from '../dom.js';
import { formatTime, kindLabel, unitOf } from '../format.js';
import { findDevice, loadSites, thresholdsFor, zonesFor } from '../model.js';
import { href } from '../router.js';
import { rangeBar, rangeOf, zoomTo } from '../range.js';
import { alertCard } from './alerts.js';
import { waterSection } from './water.js';
import { stateBadge } from './cards.js';

/** Kinds drawn as a line each in a chart of their own, in this order; counters become bars, valves spans. */
const LINE_KINDS_FIRST = ['soil_moisture', 'flow_rate', 'soil_temperature', 'air_temperature', 'humidity'];
const NOT_LINES = new Set(['valve_state', 'water_total', 'energy_total']);

export async function show(container, route, ctx) {
  const [siteId, deviceId] = route.segments;
  const range = rangeOf(route, '24h');
  const readings = range.live ? ctx.heldReadings() : null;
  const sites = await loadSites();
  const { site, device } = findDevice(sites, siteId, deviceId);
  if (!site || !device) {
    render(container, el('div', 'problem', el('h1', 'view-title', `${siteId || ''} / ${deviceId || ''}`),
      el('p', null, 'No such device: it has sent no readings to this collector yet. '),
      link('#/today', null, 'Back to today')));
    return { title: 'Unknown device' };
  }
  const compare = route.query.get('compare') === '1';
  const zone = site.zone;
  const maxPoints = pointsFor(container);
  const kinds = [...new Set(device.sensors.map((s) => s.kind))].filter((k) => !NOT_LINES.has(k));
  kinds.sort((a, b) => rank(a) - rank(b));
  const lineSensors = device.sensors.filter((s) => !NOT_LINES.has(s.kind));
  const valves = device.sensors.filter((s) => s.kind === 'valve_state');
  const meters = device.sensors.filter((s) => s.kind === 'water_total');
  const keys = lineSensors.map((s) => ({ site: site.site, device: device.device, sensor: s.sensor }));
  const [batch, previous, spans, totals, alerts] = await Promise.all([
    keys.length ? api.batch(keys, range.from, range.to, maxPoints) : { series: [] },
    compare && keys.length ? api.batch(keys, range.from - range.span, range.to - range.span, maxPoints) : null,
    Promise.all(valves.map((v) => api.spans(site.site, device.device, v.sensor, range.from, range.to))),
    Promise.all(meters.map((m) => api.totals(site.site, device.device, m.sensor, range.from, range.to, 'day'))),
    api.alerts({ site: site.site, device: device.device, from: range.from, to: range.to, state: 'all' }),
  ]);
  if (!ctx.isCurrent()) return null;

  const page = el('div', 'plot-view');
  page.append(el('nav', 'crumbs', link(href('today', [site.site]), null, site.site), ' / ', device.device));
  page.append(el('header', 'view-head', el('h1', 'view-title', device.device), stateBadge(device.state),
    el('p', 'view-sub', `${rangeText(range, zone)}${zone ? ` · times in ${zone}` : ''}`)));
  page.append(rangeBar(route, range));
  page.append(el('p', 'hint', 'Drag across a chart to zoom in; the back button zooms out again.'));

  const openSpans = spans.flatMap((s) => s.spans || []);
  const markers = alerts.filter((a) => a.openedAt >= range.from && a.openedAt < range.to)
    .map((a) => ({ t: a.openedAt, label: a.rule, icon: a.severity === 'critical' ? '✖' : '⚠' }));
  const sync = `plot-${site.site}-${device.device}`;
  const charts = [];
  const onZoom = (from, to) => zoomTo(route, from, to);

  for (const kind of kinds) {
    const sensors = lineSensors.filter((s) => s.kind === kind);
    const series = [];
    sensors.forEach((s, i) => {
      const data = batch.series.find((x) => x.sensor === s.sensor);
      if (!data) return;
      series.push({ label: s.sensor, unit: unitOf(s), color: COLORS[i % COLORS.length], t: data.t, value: data.value,
        min: data.min, max: data.max, step: batch.step });
      const old = previous && previous.series.find((x) => x.sensor === s.sensor);
      if (old) {
        series.push({ label: `${s.sensor}, previous period`, unit: unitOf(s), color: COLORS[i % COLORS.length],
          dash: [5, 4], width: 1.25, t: old.t.map((t) => t + range.span), value: old.value, step: previous.step });
      }
    });
    const section = el('section', 'chart-section');
    section.dataset.kind = kind;
    const title = el('h2', 'chart-title', kindLabel(kind));
    section.append(title);
    page.append(section);
    const thresholds = kind === 'soil_moisture'
      ? zonesFor(unique(sensors.flatMap((s) => thresholdsFor(site, device.device, s.sensor, kind)))) : [];
    const shaded = kind === 'soil_moisture' || kind === 'flow_rate' ? openSpans : [];
    if (shaded.length) section.append(el('p', 'legend-note', el('span', 'swatch swatch-valve'), ' valve open'));
    charts.push({ kind, section, series, thresholds, shaded });
  }
  for (const [i, meter] of meters.entries()) {
    // The day the range begins in is only partly counted: left out rather than drawn short.
    const periods = ((totals[i] && totals[i].periods) || []).filter((p) => p.start >= range.from);
    const section = el('section', 'chart-section');
    section.dataset.kind = 'water_total';
    section.append(el('h2', 'chart-title', `Water used per day (${meter.sensor})`));
    page.append(section);
    charts.push({ bars: true, section, periods, meter });
  }
  if (!charts.length) page.append(el('p', 'note', 'This device has no readings to chart yet.'));

  for (const valve of valves) {
    // Drawn again after an answer, so that the new valve span and the command's outcome show.
    page.append(await waterSection(site, device, valve, zone, () => window.dispatchEvent(new Event('hashchange'))));
  }
  if (!ctx.isCurrent()) return null;

  const alertSection = el('section', 'plot-alerts');
  alertSection.append(el('h2', 'chart-title', 'Alerts in this period'));
  if (!alerts.length) alertSection.append(el('p', 'note', 'None.'));
  alerts.forEach((a) => alertSection.append(alertCard(a, { zone, compact: true })));
  page.append(alertSection);
  page.append(exports(site, device, range));
  render(container, page);

  // Drawn once the sections are in the page, so each chart knows its width.
  const drawn = new Map();
  for (const c of charts) {
    if (c.bars) {
      barChart(c.section, { labels: c.periods.map((p) => p.label), unit: 'L',
        series: [{ label: 'Litres', color: '#1f5fa8', values: c.periods.map((p) => p.total) }] });
      continue;
    }
    drawn.set(c.kind, timeChart(c.section, {
      series: c.series, zone, range, sync, onZoom, thresholds: c.thresholds, spans: c.shaded, markers,
      height: c.kind === 'soil_moisture' ? 260 : 190,
    }));
  }

  if (readings) {
    readings.start((message) => {
      if (message.site !== site.site || message.device !== device.device) return;
      const now = Date.now();
      for (const r of message.readings) {
        const chart = drawn.get(r.kind);
        if (chart) chart.append(r.sensor, r.t, r.value, { from: now - range.span, to: now });
      }
    });
  }
  return { title: `${device.device} · ${site.site}`, live: range.live };
}

function rank(kind) {
  const i = LINE_KINDS_FIRST.indexOf(kind);
  return i === -1 ? LINE_KINDS_FIRST.length : i;
}

function unique(rules) {
  const seen = new Map();
  rules.forEach((r) => seen.set(r.rule, r));
  return [...seen.values()];
}

function rangeText(range, zone) {
  return range.live ? `Last ${range.preset.replace('h', ' hours').replace('d', ' days').replace('1y', '1 year')
    .replace('1 days', '1 day')}` : `${formatTime(range.from, zone)} to ${formatTime(range.to, zone)}`;
}

function exports(site, device, range) {
  const section = el('section', 'exports');
  section.append(el('h2', 'chart-title', 'Download this period'));
  const list = el('ul', 'export-list');
  for (const s of device.sensors) {
    const a = link(api.seriesCsvUrl({ site: site.site, device: device.device, sensor: s.sensor }, range.from, range.to),
      null, `${s.sensor} (${kindLabel(s.kind)}), CSV`);
    a.setAttribute('download', '');
    list.append(el('li', null, a));
  }
  section.append(list);
  return section;
}

