// At a regional hub: every site that forwards to it, with its link, how far behind the hub is, what it shares and
// its open alerts; each site's own views open from its card. Sites whose link is down, or that lag, come first.

import { api } from '../api.js';
import { el, link, render } from '../dom.js';
import {
  collator, formatAge, formatDuration, formatNumber, formatTime, plural,
} from '../format.js';
import { href } from '../router.js';

const REFRESH_MS = 5000;
const SHARES = {
  everything: 'every reading and status',
  hourly: 'hourly summaries and status',
  status: 'device status and alerts only',
  nothing: 'nothing',
};

export async function show(container, route, ctx) {
  const draw = async () => {
    const sites = await api.hubSites();
    if (!ctx.isCurrent()) return;
    const page = el('div', 'sites-view');
    page.append(el('h1', 'view-title', 'Sites of this hub'));
    if (!sites.length) {
      page.append(el('p', 'note', 'No site forwards to this hub yet. A site joins with bin/steward collector '
        + '--forward-to and this hub\'s broker (docs/federation.md).'));
    }
    const now = Date.now();
    const list = el('div', 'cards');
    sites.slice().sort((a, b) => rank(a) - rank(b) || collator.compare(a.site, b.site))
      .forEach((s) => list.append(siteCard(s, now)));
    page.append(list);
    render(container, page);
  };
  await draw();
  const timer = setInterval(() => draw().catch(ctx.failed), REFRESH_MS);
  return { title: 'Sites', dispose: () => clearInterval(timer) };
}

function rank(site) {
  if (site.state !== 'connected') return 0;
  return site.backlog > 0 ? 1 : 2;
}

function siteCard(site, now) {
  const card = el('article', 'device hub-site');
  card.dataset.site = site.site;
  const linked = site.state === 'connected';
  card.dataset.state = linked ? 'online' : 'offline';
  const badge = el('span', 'state-badge', el('span', 'state-dot'), el('span', 'state-text',
    linked ? 'Linked' : 'Link down'));
  badge.dataset.state = linked ? 'online' : 'offline';
  badge.title = linked ? 'The site reports every few seconds' : 'No report from the site for over 30 seconds';
  card.append(el('header', 'device-head', el('h2', 'device-name', site.site), badge));
  if (!linked) {
    card.append(el('p', 'health-issues', `⚠ no word from the site since ${formatTime(site.lastSeen, '')}`
      + ` (${formatAge(now - site.lastSeen)}); it keeps everything until the link is back`));
  }
  const rows = [
    ['Behind by', behind(site.lagSeconds)],
    ['Waiting at the site', site.backlog > 0
      ? `${formatNumber(site.backlog, '')} readings, sent at up to ${formatNumber(site.catchUpPerSecond, '')} a second`
      : 'none'],
    ['Shares', SHARES[site.share] || site.share],
  ];
  const exceptions = Object.entries(site.devices || {});
  if (exceptions.length) {
    rows.push(['Except', exceptions.map(([device, share]) => `${device}: ${SHARES[share] || share}`).join('; ')]);
  }
  rows.push(['Open alerts', site.openAlerts == null ? 'not said' : plural(site.openAlerts, 'alert')]);
  const dl = el('dl', 'facts');
  for (const [term, value] of rows) dl.append(el('dt', null, term), el('dd', null, value));
  card.append(dl);
  card.append(el('p', 'site-links', link(href('today', [site.site]), 'button-link', 'Today'),
    link(href('alerts', [], { site: site.site }), 'button-link', 'Alerts'),
    link(href('health', [], { site: site.site }), 'button-link', 'Devices'),
    link(href('report', [], { site: site.site }), 'button-link', 'Report')));
  return card;
}

function behind(seconds) {
  if (!(seconds > 0)) return 'nothing: up to date';
  return seconds < 60 ? `${seconds} s` : formatDuration(seconds * 1000);
}
