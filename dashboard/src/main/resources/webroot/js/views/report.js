// Community report: per site and month, water used, energy produced and specific yield, alerts raised and how
// long until someone acknowledged them. Printable, and downloadable as CSV.

import { api } from '../api.js';
import { shortLabel } from '../chart.js';
import { button, el, link, render } from '../dom.js';
import { formatNumber } from '../format.js';
import { go, withQuery } from '../router.js';

export async function show(container, route, ctx) {
  const params = { site: route.query.get('site') || '', from: route.query.get('from') || '', to: route.query.get('to') || '' };
  const [report, sites] = await Promise.all([api.report(params), api.sites().catch(() => [])]);
  if (!ctx.isCurrent()) return null;
  const page = el('div', 'report-view');
  page.append(el('h1', 'view-title', 'Community report'));
  const tools = el('div', 'filters no-print');
  const select = el('select');
  for (const [value, text] of [['', 'Every site'], ...sites.map((s) => [s.site, s.site])]) {
    const o = el('option', null, text);
    o.value = value;
    o.selected = value === params.site;
    select.append(o);
  }
  select.addEventListener('change', () => go(withQuery(route, { site: select.value })));
  const csv = link(api.reportCsvUrl(params), 'button-link', 'Download as CSV');
  csv.setAttribute('download', 'steward-report.csv');
  tools.append(el('label', 'filter', 'Site ', select), button('Print', 'secondary', () => window.print()), csv);
  page.append(tools);
  page.append(el('p', 'note', 'Months are calendar months in each site\'s time zone. Specific yield is energy per kWp '
    + 'of rated power, so arrays and sites of different sizes compare fairly.'));
  for (const site of report.sites || []) {
    const section = el('section', 'report-site');
    section.dataset.site = site.site;
    section.append(el('h2', 'site-name', site.site));
    const table = el('table', 'data-table report-table');
    table.append(el('thead', null, el('tr', null, ...['Month', 'Water used (L)', 'Energy (kWh)', 'Specific yield (kWh/kWp)',
      'Alerts raised', 'Median time to acknowledge'].map((h) => el('th', null, h)))));
    const body = el('tbody');
    // Months before the site's first data say nothing: the table starts where the data does.
    const months = site.months || [];
    const first = months.findIndex((m) => m.waterL != null || m.energyKWh != null || m.alertsRaised > 0);
    for (const m of (first === -1 ? [] : months.slice(first)).reverse()) {
      const row = el('tr', null, el('td', null, `${shortLabel(m.month)}${m.complete ? '' : ' (so far)'}`),
        el('td', 'num', cell(m.waterL, 'L')), el('td', 'num', cell(m.energyKWh, 'kWh')),
        el('td', 'num', cell(m.specificYield, 'kWh/kWp')), el('td', 'num', String(m.alertsRaised ?? 0)),
        el('td', 'num', m.medianAckMinutes == null ? '–' : `${formatNumber(m.medianAckMinutes, '')} min`));
      row.dataset.month = m.month;
      body.append(row);
    }
    table.append(body);
    section.append(el('div', 'table-scroll', table));
    page.append(section);
  }
  if (!(report.sites || []).some((r) => (r.months || []).some((m) => m.waterL != null || m.energyKWh != null
    || m.alertsRaised > 0))) page.append(el('p', 'note', 'Nothing to report yet.'));
  render(container, page);
  return { title: 'Community report' };
}

function cell(value, unit) {
  return value == null ? '–' : formatNumber(value, unit);
}
