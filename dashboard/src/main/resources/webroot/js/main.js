// Steward dashboard: a view per URL fragment, each drawn from the collector's API and kept current.

import { ApiError, api } from './api.js';
import { busy, button, el, render } from './dom.js';
import { may, mayAnywhere, setPerson, signedIn } from './session.js';
import { formatTime } from './format.js';
import { connect, heldReadings, onOpen, streamOpen } from './live.js';
import { parse } from './router.js';
import { sweep } from './chart.js';
import * as today from './views/today.js';
import * as plot from './views/plot.js';
import * as array from './views/array.js';
import * as health from './views/health.js';
import * as alerts from './views/alerts.js';
import * as report from './views/report.js';
import * as me from './views/me.js';
import * as rota from './views/rota.js';
import * as people from './views/people.js';
import * as settings from './views/settings.js';
import * as sites from './views/sites.js';

const VIEWS = { today, plot, array, health, alerts, report, me, rota, people, settings, sites };
const NAV = [['today', 'Today'], ['alerts', 'Alerts'], ['health', 'Devices'], ['report', 'Report']];
/** Views about the person and the people of their sites: in a menu, so that a phone's header keeps one row of views. */
const MENU = [['me', 'My alerts'], ['rota', 'Rota'], ['people', 'People'], ['settings', 'Settings']];
const CHECK_EVERY_MS = 5000;
/** Longest a first view waits for the live stream: a few milliseconds on a working collector. */
const STREAM_WAIT_MS = 3000;

const state = { current: null, failingSince: null, renderId: 0 };

async function main() {
  // First, while the session is asked for: a browser opens six connections to one host at most, and a view's
  // requests could otherwise keep the stream waiting behind them.
  connect();
  const nav = document.getElementById('nav');
  for (const [view, label] of NAV) {
    const a = el('a', 'nav-link', label);
    a.href = `#/${view}`;
    a.dataset.view = view;
    nav.append(a);
  }
  try {
    setPerson(await api.session());
  } catch (error) {
    // Unreachable collector: the banner says so; a 401 has gone to the sign-in page.
  }
  if (await api.hubSites().then(() => true, () => false)) {
    // A regional hub: its sites come first.
    const a = el('a', 'nav-link', 'Sites');
    a.href = '#/sites';
    a.dataset.view = 'sites';
    nav.prepend(a);
  }
  nav.after(personMenu(signedIn()));
  // A reading stored after the view's requests but before the stream opened would never be drawn: the view waits
  // for the stream, and is drawn again whenever the stream opens later (back after a cut, or late).
  await streamOpen(STREAM_WAIT_MS);
  window.addEventListener('hashchange', show);
  show();
  onOpen(() => {
    if (!state.current || state.current.live) redraw();
  });
  // After the blur, once focus has moved on (to another field of the view, perhaps).
  document.getElementById('view').addEventListener('focusout', () => setTimeout(redrawIfWaiting));
  setInterval(() => {
    checkCollector();
    redrawIfWaiting();
  }, CHECK_EVERY_MS);
}

/**
 * Draws the view again, once nobody is writing in it or waiting on a button they pressed: tried again when they
 * leave a field, and every few seconds.
 */
function redraw() {
  const container = document.getElementById('view');
  if (busy(container)) container.dataset.redrawWhenIdle = '';
  else show();
}

function redrawIfWaiting() {
  if ('redrawWhenIdle' in document.getElementById('view').dataset) redraw();
}

async function show() {
  const route = parse(location.hash);
  const view = VIEWS[route.view] || today;
  for (const a of document.querySelectorAll('a[data-view]')) {
    if (a.dataset.view === (VIEWS[route.view] ? route.view : 'today')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (state.current && state.current.dispose) state.current.dispose();
  state.current = null;
  const id = ++state.renderId;
  // Readings a view takes before its requests (ctx.heldReadings) are let go with the view, or with a draw given up.
  const held = [];
  const letGo = () => held.forEach((h) => h.stop());
  const ctx = {
    isCurrent: () => id === state.renderId,
    failed,
    heldReadings: () => {
      const h = heldReadings();
      held.push(h);
      return h;
    },
  };
  const container = document.getElementById('view');
  container.setAttribute('aria-busy', 'true');
  delete container.dataset.failed;
  delete container.dataset.redrawWhenIdle;
  performance.mark(`steward:view-start:${id}`);
  try {
    const handle = await view.show(container, route, ctx);
    if (id !== state.renderId) {
      if (handle && handle.dispose) handle.dispose();
      letGo();
      return;
    }
    state.current = {
      live: Boolean(handle && handle.live),
      dispose: () => {
        if (handle && handle.dispose) handle.dispose();
        letGo();
      },
    };
    document.title = (handle && handle.title ? `${handle.title} · ` : '') + 'Steward';
    // Once the view and its charts are on screen: bin/bench times views from these marks.
    requestAnimationFrame(() => {
      performance.mark(`steward:view-ready:${id}`);
      performance.measure(`steward:view:${route.view}:${id}`, `steward:view-start:${id}`, `steward:view-ready:${id}`);
      container.dataset.ready = String(id);
    });
    reachable();
  } catch (error) {
    letGo();
    if (id !== state.renderId) return;
    failed(error);
    render(container, el('div', 'problem', el('h2', null, 'This view could not be shown'),
      el('p', null, error.message)));
    container.dataset.failed = String(id);
  } finally {
    if (id === state.renderId) container.removeAttribute('aria-busy');
    sweep();
  }
}

/**
 * The person's name (More on an open collector), opening My alerts, Rota, People for admins, Settings for admins of
 * every site, and Sign out.
 */
function personMenu(person) {
  const menu = el('details', 'person-menu');
  menu.append(el('summary', 'person-summary', el('span', 'nav-name', person.open ? 'More' : person.name),
    el('span', 'menu-arrow', ' ▾')));
  const panel = el('div', 'person-menu-panel');
  for (const [view, label] of MENU) {
    if (view === 'people' && !person.open && !mayAnywhere('admin')) continue;
    // The collector's config covers every site: only for an admin of every site.
    if (view === 'settings' && !may('admin', '*')) continue;
    const a = el('a', 'menu-link', label);
    a.href = `#/${view}`;
    a.dataset.view = view;
    panel.append(a);
  }
  if (!person.open) {
    panel.append(button('Sign out', 'secondary menu-sign-out', async () => {
      await api.signOut().catch(() => null);
      location.assign('signin.html');
    }));
  }
  menu.append(panel);
  // Closed again once a view is chosen, on a click elsewhere, or with Escape.
  window.addEventListener('hashchange', () => menu.removeAttribute('open'));
  document.addEventListener('click', (event) => {
    if (!menu.contains(event.target)) menu.removeAttribute('open');
  });
  menu.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && menu.open) {
      menu.removeAttribute('open');
      menu.querySelector('summary').focus();
    }
  });
  return menu;
}

function failed(error) {
  if (error instanceof ApiError && error.message.startsWith('Cannot reach')) {
    if (state.failingSince === null) state.failingSince = Date.now();
    banner();
  }
}

function reachable() {
  if (state.failingSince !== null) {
    state.failingSince = null;
    banner();
    redraw();
  }
}

function banner() {
  const node = document.getElementById('connection-banner');
  document.body.classList.toggle('is-disconnected', state.failingSince !== null);
  if (state.failingSince === null) {
    node.hidden = true;
    node.replaceChildren();
    return;
  }
  node.replaceChildren(el('strong', 'banner-message', `Cannot reach the Steward collector since `
    + `${formatTime(state.failingSince, '', 'clock')} — what is shown may be out of date`), ' ',
  el('span', 'banner-detail', 'Trying again every few seconds.'));
  node.hidden = false;
}

async function checkCollector() {
  try {
    // Any answer, 503 included, means the collector itself is there.
    await fetch('health', { cache: 'no-store' });
    reachable();
  } catch (error) {
    failed(new ApiError('Cannot reach the Steward collector'));
  }
}

main();
