// Charts on uPlot (served from its WebJar; nothing is fetched from the internet). Data comes as columns, the way
// the series API answers: t[] and value[], with min[] and max[] when points are buckets (drawn as an envelope).

import { el } from './dom.js';
import { formatNumber, formatTime, unitSymbol } from './format.js';

/* global uPlot */

export const COLORS = ['#1f5fa8', '#b4490c', '#2e7d32', '#7b3fa0', '#8a6d00', '#00796b', '#c2185b', '#455a64'];

const charts = new Set();
const observer = typeof ResizeObserver === 'function' ? new ResizeObserver((entries) => {
  for (const entry of entries) {
    const chart = entry.target.chart;
    if (chart) chart.resize();
  }
}) : null;

/** Destroys every chart no longer in the page (a view replaced its content). */
export function sweep() {
  for (const chart of [...charts]) {
    if (!document.body.contains(chart.root)) chart.destroy();
  }
}

/** How many points a chart of this width should ask for: one per pixel, so nothing is sent that cannot be drawn. */
export function pointsFor(container) {
  return Math.max(60, Math.min(2000, Math.round(container.clientWidth || 600)));
}

/** Breaks a line where readings stop for longer than a few of their own intervals, instead of joining across. */
function withGaps(t, columns, step) {
  if (t.length < 3) return { t, columns };
  const intervals = [];
  for (let i = 1; i < t.length; i++) intervals.push(t[i] - t[i - 1]);
  const typical = step || intervals.slice().sort((a, b) => a - b)[Math.floor(intervals.length / 2)];
  const limit = Math.max(3 * typical, step ? 2 * step : 0);
  const outT = [t[0]];
  const out = columns.map((c) => [c[0]]);
  for (let i = 1; i < t.length; i++) {
    if (t[i] - t[i - 1] > limit) {
      outT.push(t[i - 1] + 1);
      out.forEach((c) => c.push(null));
    }
    outT.push(t[i]);
    columns.forEach((c, k) => out[k].push(c[i]));
  }
  return { t: outT, columns: out };
}

/**
 * A time chart. Options: series [{label, unit, color, dash, t, value, min, max, step, points}], zone (the site's),
 * height, thresholds [{below|above, label, fill}], spans [{from, to}] (shaded: valve open), markers [{t, label}],
 * range {from, to}, onZoom(from, to), sync (a key shared by the charts of one view).
 */
export function timeChart(container, options) {
  const root = el('div', 'chart');
  const canvasHolder = el('div', 'chart-canvas');
  root.append(canvasHolder);
  container.append(root);
  // Own copies of the columns: live readings are appended to them.
  const chart = { root, options, u: null, tables: options.series.map((s) => ({ ...s, t: [...s.t], value: [...s.value],
    min: s.min ? [...s.min] : s.min, max: s.max ? [...s.max] : s.max })) };
  if (options.range) {
    root.dataset.from = String(Math.round(options.range.from));
    root.dataset.to = String(Math.round(options.range.to));
  }

  const build = () => {
    if (chart.u) chart.u.destroy();
    const { data, plotted } = align(chart.tables);
    const width = Math.max(200, canvasHolder.clientWidth || root.clientWidth || 600);
    const uSeries = [{ label: 'Time', value: (u, v) => (v == null ? '–' : formatTime(v, options.zone)) }];
    const bands = [];
    plotted.forEach((p) => {
      uSeries.push({
        label: p.label, stroke: p.color, width: p.width || 1.75, dash: p.dash, spanGaps: false,
        points: { show: p.points || false, size: 5 },
        value: (u, v) => (v == null ? '–' : `${formatNumber(v, p.unit)} ${unitSymbol(p.unit)}`.trim()),
        show: true,
      });
      if (p.envelope) {
        const maxIdx = uSeries.length;
        uSeries.push({ label: `${p.label} max`, stroke: 'transparent', width: 0, spanGaps: false, points: { show: false },
          value: () => '' });
        uSeries.push({ label: `${p.label} min`, stroke: 'transparent', width: 0, spanGaps: false, points: { show: false },
          value: () => '' });
        bands.push({ series: [maxIdx, maxIdx + 1], fill: `${p.color}2e` });
      }
    });
    const unit = options.unit || (plotted[0] && plotted[0].unit) || '';
    const u = new uPlot({
      width, height: options.height || 220, ms: 1,
      tzDate: options.zone ? (ts) => uPlot.tzDate(new Date(ts), options.zone) : undefined,
      scales: {
        x: { time: true, min: options.range ? options.range.from : undefined, max: options.range ? options.range.to : undefined },
        y: { range: (u, min, max) => yRange(min, max, options.thresholds || []) },
      },
      axes: [
        { stroke: '#333', grid: { stroke: '#e6e3d8' }, ticks: { stroke: '#c9c5b6' } },
        { stroke: '#333', grid: { stroke: '#e6e3d8' }, ticks: { stroke: '#c9c5b6' }, size: 52,
          values: (u, splits) => splits.map((v) => `${formatNumber(v, unit)}`), label: unitSymbol(unit) || undefined,
          labelSize: unitSymbol(unit) ? 18 : 0 },
      ],
      series: uSeries,
      bands,
      legend: { live: true },
      cursor: {
        sync: options.sync ? { key: options.sync, setSeries: false } : undefined,
        drag: { x: !!options.onZoom, y: false, setScale: false },
      },
      hooks: {
        drawClear: [(self) => drawBackground(self, options)],
        draw: [(self) => drawMarkers(self, options)],
        setSelect: [(self) => {
          // Charts of one view share their cursor, so a drag shows on each; only the chart dragged across (the one
          // with a mouse event of its own) zooms, or one drag could leave a history entry per chart to go Back through.
          if (!options.onZoom || !self.cursor.event || self.select.width < 8) return;
          const from = self.posToVal(self.select.left, 'x');
          const to = self.posToVal(self.select.left + self.select.width, 'x');
          self.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
          options.onZoom(from, to);
        }],
      },
    }, data, canvasHolder);
    // Legend rows for the envelope's helper series say nothing to people.
    u.root.querySelectorAll('.u-legend .u-series').forEach((row, i) => {
      if (i > 0 && /(max|min)$/.test(uSeries[i].label)) row.hidden = true;
    });
    chart.u = u;
    root.dataset.points = String(plotted.reduce((n, p) => n + p.t.length, 0));
  };

  chart.resize = () => {
    if (chart.u) chart.u.setSize({ width: Math.max(200, canvasHolder.clientWidth || 600), height: chart.u.height });
  };
  /**
   * Live readings: appended to the named series, and while the range follows now the window slides and what
   * slides out is let go, so a view left open does not grow.
   */
  chart.append = (label, t, value, range) => {
    const table = chart.tables.find((s) => s.label === label);
    if (!table || (table.t.length && t <= table.t[table.t.length - 1])) return false;
    table.t.push(t);
    table.value.push(value);
    if (table.min) table.min.push(value);
    if (table.max) table.max.push(value);
    if (range) {
      options.range = range;
      for (const s of chart.tables) {
        let keep = 0;
        while (keep < s.t.length && s.t[keep] < range.from) keep++;
        for (const column of ['t', 'value', 'min', 'max']) {
          if (Array.isArray(s[column]) && keep > 0) s[column] = s[column].slice(keep);
        }
      }
    }
    chart.u.setData(align(chart.tables).data, false);
    chart.u.setScale('x', { min: options.range.from, max: options.range.to });
    root.dataset.points = String(chart.tables.reduce((n, s) => n + s.t.length, 0));
    return true;
  };
  return start(chart, root, build);
}

/** Draws a chart and keeps it drawn at its container's width until sweep() finds it gone from the page. */
function start(chart, root, build) {
  const redraw = chart.resize || build;
  let width = -1;
  // A ResizeObserver also reports a chart's first size: only a real change of width redraws it.
  chart.resize = () => {
    if (Math.abs(root.clientWidth - width) > 2) {
      width = root.clientWidth;
      redraw();
    }
  };
  chart.destroy = () => {
    if (chart.u) chart.u.destroy();
    if (observer) observer.unobserve(root);
    charts.delete(chart);
  };
  root.chart = chart;
  charts.add(chart);
  build();
  width = root.clientWidth;
  if (observer) observer.observe(root);
  return chart;
}

/**
 * The data's own range, widened to take in a rule's limit that lies within 15 units of it, so a gardener sees
 * how far the bed is from dry without the line being squashed flat by a limit far away.
 */
function yRange(min, max, thresholds) {
  if (min == null || max == null) return [0, 1];
  let lo = min;
  let hi = max;
  for (const z of thresholds) {
    const limit = z.below !== undefined ? z.below : z.above;
    if (limit >= min - 15 && limit <= max + 15) {
      lo = Math.min(lo, limit);
      hi = Math.max(hi, limit);
    }
  }
  const pad = Math.max(0.5, (hi - lo) * 0.08);
  return [lo - pad, hi + pad];
}

/** Lines joined on one time axis; each table keeps its own gaps. */
function align(tables) {
  const plotted = [];
  const joinInput = [];
  for (const table of tables) {
    if (!table.t) continue;
    const envelope = Array.isArray(table.min) && Array.isArray(table.max) && table.min.length === table.t.length;
    const columns = envelope ? [table.value, table.max, table.min] : [table.value];
    const gapped = withGaps(table.t, columns, table.step);
    plotted.push({ ...table, envelope, t: table.t });
    joinInput.push([gapped.t, ...gapped.columns]);
  }
  if (!joinInput.length) return { data: [[]], plotted };
  // Nulls (real gaps) stay gaps; the holes alignment makes are undefined, which lines pass over.
  const data = joinInput.length === 1 ? joinInput[0] : uPlot.join(joinInput);
  return { data, plotted };
}

function drawBackground(u, options) {
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  for (const zone of options.thresholds || []) {
    const y = u.valToPos(zone.below !== undefined ? zone.below : zone.above, 'y', true);
    const y0 = zone.below !== undefined ? y : top;
    const y1 = zone.below !== undefined ? top + height : y;
    ctx.fillStyle = zone.fill;
    ctx.fillRect(left, y0, width, Math.max(0, y1 - y0));
    ctx.strokeStyle = zone.line || '#8a6d00';
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + width, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#3d3000';
    ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
    // Set each time: uPlot leaves the canvas right-aligned after drawing the y axis' values, and a redraw (a resize,
    // a live reading) would then draw the label leftwards out of the plot, leaving only its last letter.
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    // The label sits on the side of its line that faces the data, so it stays inside the plot.
    ctx.fillText(zone.label, left + 6 * devicePixelRatio,
      zone.below !== undefined ? y - 5 * devicePixelRatio : y + 14 * devicePixelRatio);
  }
  for (const span of options.spans || []) {
    const x0 = u.valToPos(Math.max(span.from, u.scales.x.min), 'x', true);
    const x1 = u.valToPos(Math.min(span.to == null ? Date.now() : span.to, u.scales.x.max), 'x', true);
    if (x1 <= x0) continue;
    ctx.fillStyle = 'rgba(31, 95, 168, 0.14)';
    ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
    ctx.fillStyle = 'rgba(31, 95, 168, 0.55)';
    ctx.fillRect(x0, top, Math.max(1, x1 - x0), 4 * devicePixelRatio);
  }
  ctx.restore();
}

function drawMarkers(u, options) {
  if (!options.markers || !options.markers.length) return;
  const { ctx } = u;
  const { top, height } = u.bbox;
  ctx.save();
  for (const marker of options.markers) {
    if (marker.t < u.scales.x.min || marker.t > u.scales.x.max) continue;
    const x = u.valToPos(marker.t, 'x', true);
    ctx.strokeStyle = marker.color || '#9c1c12';
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.fillStyle = marker.color || '#9c1c12';
    ctx.font = `bold ${12 * devicePixelRatio}px system-ui, sans-serif`;
    ctx.textAlign = 'left'; // as for the thresholds' labels: uPlot may have left it otherwise
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(`${marker.icon || '⚠'} ${marker.label}`, x + 4 * devicePixelRatio, top + 14 * devicePixelRatio);
  }
  ctx.restore();
}

/**
 * Bars per period, one group per label with a bar per series side by side (never stacked: each array on its own).
 * series: [{label, values, color, unit}].
 */
export function barChart(container, { labels, series, unit, height = 200 }) {
  const root = el('div', 'chart');
  const canvasHolder = el('div', 'chart-canvas');
  root.append(canvasHolder);
  container.append(root);
  const chart = { root };
  const n = labels.length;
  const x = labels.map((_, i) => i);
  const build = () => {
    if (chart.u) chart.u.destroy();
    const width = Math.max(200, canvasHolder.clientWidth || 600);
    const count = series.length;
    chart.u = new uPlot({
      width, height,
      scales: { x: { time: false, range: [-0.5, Math.max(0.5, n - 0.5)] }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { stroke: '#333', grid: { show: false }, values: (u, splits) => splits.map((v) => shortLabel(labels[Math.round(v)])),
          splits: () => tickIndices(n, width, Math.max(...labels.map((l) => shortLabel(l).length), 4)), gap: 4 },
        { stroke: '#333', grid: { stroke: '#e6e3d8' }, size: 56, label: unit, labelSize: 18,
          values: (u, splits) => splits.map((v) => formatNumber(v, unit)) },
      ],
      series: [{ label: 'Period', value: (u, v) => (v == null ? '–' : labels[Math.round(v)] ?? '') },
        ...series.map((s) => ({
          label: s.label, stroke: s.color, fill: s.color, width: 0, points: { show: false }, paths: () => null,
          value: (u, v) => (v == null ? '–' : `${formatNumber(v, unit)} ${unit}`),
        }))],
      legend: { live: true },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      hooks: {
        draw: [(u) => {
          const { ctx } = u;
          const groupWidth = Math.max(1, u.valToPos(1, 'x', true) - u.valToPos(0, 'x', true));
          const barWidth = Math.max(1, (groupWidth * 0.8) / count);
          series.forEach((s, k) => {
            ctx.fillStyle = s.color;
            for (let i = 0; i < n; i++) {
              const v = s.values[i];
              if (v == null) continue;
              const cx = u.valToPos(i, 'x', true) - (groupWidth * 0.4) + k * barWidth;
              const y0 = u.valToPos(0, 'y', true);
              const y1 = u.valToPos(v, 'y', true);
              ctx.fillRect(cx, Math.min(y0, y1), barWidth - (count > 1 && barWidth > 3 ? 1 : 0), Math.abs(y0 - y1));
            }
          });
        }],
      },
    }, [x, ...series.map((s) => s.values)], canvasHolder);
  };
  root.dataset.points = String(series.reduce((sum, s) => sum + s.values.filter((v) => v != null).length, 0));
  return start(chart, root, build);
}

function tickIndices(n, width, characters) {
  const every = Math.max(1, Math.ceil(n / Math.max(2, Math.floor(width / (characters * 8 + 16)))));
  const ticks = [];
  for (let i = 0; i < n; i += every) ticks.push(i);
  return ticks;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The totals API's period labels, shorter for an axis: "2026-11-03" -> "3 Nov", "2026-11" -> "Nov 2026". */
export function shortLabel(label) {
  if (!label) return '';
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(label);
  if (m) return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]}`;
  m = /^(\d{4})-(\d{2})$/.exec(label);
  if (m) return `${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
  m = /^\d{4}-(W\d{2})$/.exec(label);
  if (m) return m[1];
  return label;
}

/** A small line without axes for a card: the last 24 hours, with the dry and wet limits as faint lines. */
export function sparkline(container, t, value, { thresholds = [], label } = {}) {
  const root = el('div', 'sparkline');
  root.setAttribute('role', 'img');
  root.setAttribute('aria-label', label || 'trend');
  container.append(root);
  const chart = { root };
  const build = () => {
    if (chart.u) chart.u.destroy();
    const width = Math.max(80, root.clientWidth || 160);
    chart.u = new uPlot({
      width, height: 44, ms: 1,
      // The day's own movement fills the height; a limit shows only when the line comes near it.
      scales: { x: { time: true }, y: { range: (u, min, max) => {
        const pad = Math.max(1, (max - min) * 0.15);
        return [min - pad, max + pad];
      } } },
      axes: [{ show: false }, { show: false }],
      legend: { show: false },
      cursor: { show: false },
      series: [{}, { stroke: '#1f5fa8', width: 1.5, spanGaps: false, points: { show: false } }],
      hooks: { drawClear: [(u) => drawBackground(u, { thresholds: thresholds.map((z) => ({ ...z, label: '' })) })] },
    }, [t, value], root);
    root.dataset.points = String(t.length);
  };
  return start(chart, root, build);
}
