// Array view of a site: each array's power against what it should give (irradiance x rated power x performance
// ratio, or the site's other arrays), overlaid, never merged; energy per day, week, month or year in kWh and
// kWh/kWp; the battery where there is one.

import { api } from '../api.js';
import { COLORS, barChart, pointsFor, timeChart } from '../chart.js';
import { el, link, render } from '../dom.js';
import { formatNumber, unitOf } from '../format.js';
import { PERFORMANCE_RATIO, arraysOf, loadSites, sensorsOfKind } from '../model.js';
import { go, href, withQuery } from '../router.js';
import { DAY, rangeBar, rangeOf, zoomTo } from '../range.js';

const PERIODS = [['day', 'Per day'], ['week', 'Per week'], ['month', 'Per month'], ['year', 'Per year']];
/** How far back each period's bars go. */
const BARS_BACK = { day: 30 * DAY, week: 26 * 7 * DAY, month: 365 * DAY, year: 5 * 365 * DAY };
const PERIOD_SPANS = { day: 'The last 30 days', week: 'The last 26 weeks', month: 'The last 12 months',
  year: 'The last 5 years' };

export async function show(container, route, ctx) {
  const siteId = route.segments[0];
  const range = rangeOf(route, '7d');
  const readings = range.live ? ctx.heldReadings() : null;
  const sites = await loadSites();
  const site = sites.find((s) => s.site === siteId);
  const arrays = site ? arraysOf(site) : [];
  if (!site || !arrays.length) {
    render(container, el('div', 'problem', el('h1', 'view-title', `Arrays of ${siteId || '?'}`),
      el('p', null, 'This site has no solar array: no device reports solar_power.'), link('#/today', null, 'Back to today')));
    return { title: 'No arrays' };
  }
  const compare = route.query.get('compare') === '1';
  const period = PERIODS.some(([p]) => p === route.query.get('period')) ? route.query.get('period') : 'day';
  const perKwp = route.query.get('per') === 'kwp';
  const zone = site.zone;
  const maxPoints = pointsFor(container);
  const power = arrays.filter((a) => a.powerSensor).map((a) => ({ site: site.site, device: a.device, sensor: a.powerSensor }));
  const irradiance = site.devices.flatMap((d) => sensorsOfKind(d, 'irradiance')
    .map((s) => ({ site: site.site, device: d.device, sensor: s.sensor })));
  const battery = site.devices.flatMap((d) => d.sensors.filter((s) => s.kind === 'battery_soc' || s.kind === 'battery_voltage')
    .map((s) => ({ site: site.site, device: d.device, sensor: s.sensor, kind: s.kind, unit: unitOf(s) })));
  const now = Date.now();
  const [lines, previous, energy] = await Promise.all([
    api.batch([...power, ...irradiance.slice(0, 1), ...battery], range.from, range.to, maxPoints),
    compare ? api.batch(power, range.from - range.span, range.to - range.span, maxPoints) : null,
    Promise.all(arrays.map((a) => (a.energySensor
      ? api.totals(site.site, a.device, a.energySensor, now - BARS_BACK[period], now, period) : null))),
  ]);
  if (!ctx.isCurrent()) return null;

  const page = el('div', 'array-view');
  page.append(el('nav', 'crumbs', link(href('today', [site.site]), null, site.site), ' / arrays'));
  page.append(el('header', 'view-head', el('h1', 'view-title', `Arrays of ${site.site}`),
    el('p', 'view-sub', arrays.map((a) => `${a.device}${a.peakPowerW ? ` (${formatNumber(a.peakPowerW / 1000, 'kWh')} kWp)` : ''}`)
      .join(' · ') + (zone ? ` · times in ${zone}` : ''))));
  page.append(rangeBar(route, range));

  const powerSection = el('section', 'chart-section');
  powerSection.dataset.kind = 'solar_power';
  powerSection.append(el('h2', 'chart-title', 'Power, and what each array should give'));
  const sun = irradiance.length ? lines.series.find((s) => s.sensor === irradiance[0].sensor && s.device === irradiance[0].device) : null;
  powerSection.append(el('p', 'legend-note', sun
    ? `Dashed: expected power, irradiance × rated power × ${PERFORMANCE_RATIO} (as the solar-underperformance rule judges it).`
    : 'Dashed: each array\'s expected power from the site\'s other arrays, per kWp.'));
  page.append(powerSection);

  const energySection = el('section', 'chart-section');
  energySection.dataset.kind = 'energy_total';
  energySection.append(el('h2', 'chart-title', perKwp ? 'Specific yield (kWh/kWp)' : 'Energy (kWh)'));
  energySection.append(el('p', 'legend-note', `${PERIOD_SPANS[period]}, in the site's calendar${zone ? ` (${zone})` : ''}; `
    + 'the latest bar is the period so far.'));
  energySection.append(periodBar(route, period, perKwp));
  page.append(energySection);

  let batterySection = null;
  if (battery.length) {
    batterySection = el('section', 'chart-section');
    batterySection.dataset.kind = 'battery';
    batterySection.append(el('h2', 'chart-title', 'Battery'));
    page.append(batterySection);
  }
  render(container, page);

  const series = [];
  arrays.forEach((a, i) => {
    const data = lines.series.find((s) => s.device === a.device && s.sensor === a.powerSensor);
    if (!data) return;
    const color = COLORS[i % COLORS.length];
    series.push({ label: a.device, unit: 'W', color, t: data.t, value: data.value, min: data.min, max: data.max, step: lines.step });
    const expected = expectedPower(a, arrays, lines, sun);
    if (expected) series.push({ label: `${a.device} expected`, unit: 'W', color, dash: [6, 4], width: 1.25, ...expected });
    const old = previous && previous.series.find((s) => s.device === a.device);
    if (old) {
      series.push({ label: `${a.device}, previous period`, unit: 'W', color, dash: [2, 3], width: 1,
        t: old.t.map((t) => t + range.span), value: old.value });
    }
  });
  const chart = timeChart(powerSection, { series, zone, range, unit: 'W', height: 260, sync: `array-${site.site}`,
    onZoom: (from, to) => zoomTo(route, from, to) });

  const labels = [];
  const byLabel = arrays.map(() => new Map());
  arrays.forEach((a, i) => {
    // A period that began before the bars' span is only partly counted: left out rather than drawn short.
    const periods = energy[i] ? energy[i].periods.filter((p) => p.start >= now - BARS_BACK[period]) : [];
    for (const p of periods) {
      if (!labels.includes(p.label)) labels.push(p.label);
      const kWh = p.total / 1000;
      byLabel[i].set(p.label, perKwp && a.peakPowerW ? kWh / (a.peakPowerW / 1000) : kWh);
    }
  });
  labels.sort();
  const unit = perKwp ? 'kWh/kWp' : 'kWh';
  const bars = arrays.map((a, i) => ({ label: a.device, color: COLORS[i % COLORS.length],
    values: labels.map((l) => (byLabel[i].has(l) ? byLabel[i].get(l) : null)) }))
    .filter((s, i) => energy[i] && (!perKwp || arrays[i].peakPowerW));
  if (bars.length && labels.length) {
    barChart(energySection, { labels, unit, series: bars });
    energySection.append(energyTable(labels, bars, unit));
  } else {
    energySection.append(el('p', 'note', perKwp ? 'Specific yield needs each array\'s rated power (alerts.arrays in the collector config).'
      : 'No energy meter (energy_total) on these arrays.'));
  }

  if (batterySection) {
    battery.forEach((b) => {
      const data = lines.series.find((s) => s.device === b.device && s.sensor === b.sensor);
      if (!data) return;
      timeChart(batterySection, { series: [{ label: `${b.device} ${b.sensor}`, unit: b.unit, color: '#2e7d32', t: data.t,
        value: data.value, min: data.min, max: data.max, step: lines.step }], zone, range, height: 160,
      sync: `array-${site.site}`, onZoom: (from, to) => zoomTo(route, from, to) });
    });
  }

  if (readings) {
    readings.start((message) => {
      if (message.site !== site.site) return;
      const a = arrays.find((x) => x.device === message.device);
      if (!a) return;
      const now2 = Date.now();
      for (const r of message.readings) {
        if (r.sensor === a.powerSensor) chart.append(a.device, r.t, r.value, { from: now2 - range.span, to: now2 });
      }
    });
  }
  return { title: `Arrays · ${site.site}`, live: range.live };
}

/** Expected power over time: irradiance x peak x PR; without irradiance, the other arrays' median per kWp. */
function expectedPower(array, arrays, lines, sun) {
  if (!array.peakPowerW) return null;
  if (sun) {
    return { t: sun.t, value: sun.value.map((g) => (g == null ? null : (g / 1000) * array.peakPowerW * PERFORMANCE_RATIO)) };
  }
  const others = arrays.filter((a) => a.device !== array.device && a.peakPowerW)
    .map((a) => ({ a, data: lines.series.find((s) => s.device === a.device && s.sensor === a.powerSensor) }))
    .filter((x) => x.data && x.data.t.length);
  if (!others.length) return null;
  const base = others[0].data;
  const value = base.t.map((t, i) => {
    const perKwp = others.map((o) => {
      const j = o.data.t.indexOf(t);
      return j === -1 ? null : o.data.value[j] / (o.a.peakPowerW / 1000);
    }).filter((v) => v != null).sort((x, y) => x - y);
    return perKwp.length ? perKwp[Math.floor(perKwp.length / 2)] * (array.peakPowerW / 1000) : null;
  });
  return { t: base.t, value };
}

function periodBar(route, period, perKwp) {
  const bar = el('div', 'toolbar');
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', 'Energy per period');
  const group = el('div', 'presets');
  for (const [id, label] of PERIODS) {
    const b = el('button', 'preset', label);
    b.type = 'button';
    b.dataset.period = id;
    b.setAttribute('aria-pressed', String(id === period));
    b.addEventListener('click', () => go(withQuery(route, { period: id })));
    group.append(b);
  }
  const unit = el('div', 'presets');
  for (const [id, label] of [['kwh', 'kWh'], ['kwp', 'kWh/kWp']]) {
    const b = el('button', 'preset', label);
    b.type = 'button';
    b.setAttribute('aria-pressed', String((id === 'kwp') === perKwp));
    b.addEventListener('click', () => go(withQuery(route, { per: id === 'kwp' ? 'kwp' : null })));
    unit.append(b);
  }
  bar.append(group, unit);
  return bar;
}

/** The same numbers as the bars, for reading exactly and for screen readers. */
function energyTable(labels, bars, unit) {
  const details = el('details', 'numbers');
  details.append(el('summary', null, 'Show the numbers'));
  const table = el('table', 'data-table');
  const head = el('tr', null, el('th', null, 'Period'), ...bars.map((b) => el('th', null, `${b.label} (${unit})`)));
  table.append(el('thead', null, head));
  const body = el('tbody');
  labels.slice().reverse().forEach((l) => {
    const i = labels.indexOf(l);
    body.append(el('tr', null, el('td', null, l), ...bars.map((b) => el('td', 'num', b.values[i] == null ? '–'
      : formatNumber(b.values[i], unit)))));
  });
  table.append(body);
  details.append(table);
  return details;
}
