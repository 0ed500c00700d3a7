// Time ranges: presets ending now (which follow live data) or a fixed span chosen by zooming.

import { el } from './dom.js';
import { go, withQuery } from './router.js';

const HOUR = 3600000;
const DAY = 24 * HOUR;

export const PRESETS = [
  { id: '6h', label: '6 h', span: 6 * HOUR },
  { id: '24h', label: '24 h', span: DAY },
  { id: '7d', label: '7 d', span: 7 * DAY },
  { id: '30d', label: '30 d', span: 30 * DAY },
  { id: '1y', label: '1 y', span: 365 * DAY },
];

/** The range a route asks for: ?from=&to= (fixed), or ?range=<preset> ending now (live). */
export function rangeOf(route, defaultPreset, now = Date.now()) {
  const from = Number(route.query.get('from'));
  const to = Number(route.query.get('to'));
  if (Number.isFinite(from) && Number.isFinite(to) && route.query.has('from') && route.query.has('to') && from < to) {
    return { from: Math.round(from), to: Math.round(to), live: false, preset: null, span: to - from };
  }
  const preset = PRESETS.find((p) => p.id === route.query.get('range'))
    || PRESETS.find((p) => p.id === defaultPreset);
  return { from: now - preset.span, to: now, live: true, preset: preset.id, span: preset.span };
}

/** The preset buttons and the compare switch, as a toolbar that changes the URL. */
export function rangeBar(route, range, options = {}) {
  const bar = el('div', 'toolbar');
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', 'Time range');
  const group = el('div', 'presets');
  for (const preset of PRESETS) {
    const b = el('button', 'preset', preset.label);
    b.type = 'button';
    b.dataset.range = preset.id;
    b.setAttribute('aria-pressed', String(range.preset === preset.id));
    b.addEventListener('click', () => go(withQuery(route, { range: preset.id, from: null, to: null })));
    group.append(b);
  }
  bar.append(group);
  if (!range.live) {
    const back = el('button', 'preset live', 'Back to now');
    back.type = 'button';
    back.addEventListener('click', () => go(withQuery(route, { from: null, to: null })));
    bar.append(back);
  }
  if (options.compare !== false) {
    const label = el('label', 'compare');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = route.query.get('compare') === '1';
    box.addEventListener('change', () => go(withQuery(route, { compare: box.checked ? '1' : null })));
    label.append(box, ' Compare with the previous period');
    bar.append(label);
  }
  return bar;
}

/** Zooming: a new fixed range, as a new history entry, so the back button undoes it. */
export function zoomTo(route, from, to) {
  go(withQuery(route, { from: Math.round(from), to: Math.round(to), range: null }));
}

export { HOUR, DAY };
