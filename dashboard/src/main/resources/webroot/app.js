// Steward dashboard: every site, its devices and each sensor's latest reading, kept current.
// Plain ES2020, no framework. Text from the API is only ever set with textContent.
'use strict';

const DEVICES_URL = 'api/v1/devices'; // relative, so the page works behind any host, port or path
const STREAM_URL = 'api/v1/stream';
const POLL_INTERVAL_MS = 5000;
const STREAM_DEBOUNCE_MS = 500;
const FETCH_TIMEOUT_MS = 4000;
const STREAM_RETRY_MS = 30000;
const STALE_AFTER_MS = 5 * 60 * 1000;

/** The contract's kinds: a label a gardener understands and the kind's unit. */
const KINDS = {
  soil_moisture: { label: 'Soil moisture', unit: '%' },
  soil_temperature: { label: 'Soil temperature', unit: 'C' },
  air_temperature: { label: 'Air temperature', unit: 'C' },
  humidity: { label: 'Humidity', unit: '%' },
  flow_rate: { label: 'Flow', unit: 'L/min' },
  water_total: { label: 'Water meter', unit: 'L' },
  valve_state: { label: 'Valve', unit: 'state' },
  solar_power: { label: 'Solar power', unit: 'W' },
  solar_voltage: { label: 'Solar voltage', unit: 'V' },
  solar_current: { label: 'Solar current', unit: 'A' },
  energy_total: { label: 'Energy meter', unit: 'Wh' },
  irradiance: { label: 'Irradiance', unit: 'W/m2' },
  battery_voltage: { label: 'Battery voltage', unit: 'V' },
  battery_soc: { label: 'Battery charge', unit: '%' },
};

const KIND_ORDER = Object.keys(KINDS);

const UNIT_SYMBOLS = { C: '°C', F: '°F', 'W/m2': 'W/m²', m2: 'm²', m3: 'm³', 'm3/h': 'm³/h', state: '' };

const STATES = {
  online: { label: 'Online', title: 'Connected and reporting' },
  offline: { label: 'Offline', title: 'Not connected: the readings shown are the last ones it sent' },
  unknown: { label: 'Status unknown', title: 'This device has never said whether it is online' },
};

const collator = new Intl.Collator('en', { numeric: true });

const view = {
  sites: null, // the last good answer, normalised and sorted; null until the first one arrives
  lastSuccessAt: null,
  failingSince: null,
  inFlight: false,
  refreshAgain: false,
  pollTimer: null,
  debounceTimer: null,
};

const elementKeys = new WeakMap(); // element -> its key among its siblings
const readingTimes = new WeakMap(); // sensor element -> t of its latest reading
const deviceTimes = new WeakMap(); // device element -> {t, prefix} for its "last seen" line
let headingCounter = 0;

// ---------------------------------------------------------------- formatting

function kindLabel(kind) {
  if (KINDS[kind]) return KINDS[kind].label;
  if (!kind) return 'Sensor';
  const name = kind.startsWith('x_') ? kind.slice(2) : kind;
  const words = name.replace(/_/g, ' ').trim();
  if (!words) return 'Sensor';
  return kind.startsWith('x_') ? words : words.charAt(0).toUpperCase() + words.slice(1);
}

function unitOf(sensor) {
  if (sensor.unit) return sensor.unit;
  return KINDS[sensor.kind] ? KINDS[sensor.kind].unit : '';
}

function unitSymbol(unit) {
  return Object.prototype.hasOwnProperty.call(UNIT_SYMBOLS, unit) ? UNIT_SYMBOLS[unit] : unit;
}

/** Fixed decimals per unit, or null for "as many as useful" (users' own kinds). */
function decimalsFor(unit, value) {
  const size = Math.abs(value);
  switch (unit) {
    case '%': case 'C': case 'F': case 'V': return 1;
    case 'W': case 'W/m2': case 'Wh': case 'L': return size >= 100 ? 0 : 1;
    case 'A': case 'L/min': return 2;
    default: return null;
  }
}

function formatNumber(value, unit) {
  const fixed = decimalsFor(unit, value);
  let text;
  if (fixed === null) {
    const size = Math.abs(value);
    text = value.toFixed(size >= 100 ? 0 : size >= 10 ? 1 : 2);
    if (text.includes('.')) text = text.replace(/\.?0+$/, '');
  } else {
    text = value.toFixed(fixed);
  }
  if (/^-0(\.0*)?$/.test(text)) text = text.slice(1); // no "-0.0"
  return groupThousands(text);
}

/** 12345.6 -> "12 345.6" with a narrow space (SI style); numbers under 10 000 stay as they are. */
function groupThousands(text) {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (!match || match[2].length < 5) return text;
  return match[1] + match[2].replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f') + (match[3] || '');
}

/** The reading as words for people: number and unit, or "open"/"closed" for a valve. */
function formatReading(sensor) {
  const value = sensor.last.value;
  if (sensor.kind === 'valve_state' && (value === 0 || value === 1)) {
    return { number: value === 1 ? 'open' : 'closed', unit: '' };
  }
  const unit = unitOf(sensor);
  return { number: formatNumber(value, unit), unit: sensor.kind === 'valve_state' ? '' : unitSymbol(unit) };
}

function formatAge(ageMs) {
  if (!(ageMs >= 1000)) return 'just now';
  const seconds = Math.floor(ageMs / 1000);
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

function formatClock(epochMillis) {
  const date = new Date(epochMillis);
  return [date.getHours(), date.getMinutes(), date.getSeconds()]
    .map((part) => String(part).padStart(2, '0'))
    .join(':');
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------- data

function textOrEmpty(value) {
  return typeof value === 'string' ? value : '';
}

function timeOrNull(value) {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function normalizeReading(last) {
  if (!last || typeof last !== 'object') return null;
  const t = timeOrNull(last.t);
  const value = last.value;
  if (t === null || typeof value !== 'number' || !Number.isFinite(value)) return null;
  return { t, value };
}

function normalizeSensors(list) {
  const sensors = new Map();
  for (const raw of Array.isArray(list) ? list : []) {
    const id = raw && textOrEmpty(raw.sensor);
    if (!id || sensors.has(id)) continue;
    sensors.set(id, {
      sensor: id,
      kind: textOrEmpty(raw.kind),
      unit: textOrEmpty(raw.unit),
      last: normalizeReading(raw.last),
    });
  }
  return [...sensors.values()].sort(compareSensors);
}

/** Sensors in the contract's order of kinds (soil first, then water, then solar), users' own kinds last. */
function compareSensors(a, b) {
  return kindRank(a.kind) - kindRank(b.kind)
    || collator.compare(kindLabel(a.kind), kindLabel(b.kind))
    || collator.compare(a.sensor, b.sensor);
}

function kindRank(kind) {
  const rank = KIND_ORDER.indexOf(kind);
  return rank === -1 ? KIND_ORDER.length : rank;
}

/** The API's device list as sites sorted by name, each with its devices sorted by name. */
function groupBySite(json) {
  if (!Array.isArray(json)) throw new Error('the collector answered something other than a device list');
  const sites = new Map();
  for (const raw of json) {
    const site = raw && textOrEmpty(raw.site);
    const device = raw && textOrEmpty(raw.device);
    if (!site || !device) continue;
    if (!sites.has(site)) sites.set(site, new Map());
    const devices = sites.get(site);
    if (devices.has(device)) continue;
    devices.set(device, {
      site,
      device,
      state: Object.prototype.hasOwnProperty.call(STATES, raw.state) ? raw.state : 'unknown',
      lastSeen: timeOrNull(raw.lastSeen),
      sensors: normalizeSensors(raw.sensors),
    });
  }
  return [...sites.entries()]
    .sort(([a], [b]) => collator.compare(a, b))
    .map(([site, devices]) => ({
      site,
      devices: [...devices.values()].sort((a, b) => collator.compare(a.device, b.device)),
    }));
}

async function fetchDevices() {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
  try {
    const response = await fetch(DEVICES_URL, {
      cache: 'no-store',
      headers: { Accept: 'application/json' },
      signal: controller.signal,
    });
    if (!response.ok) throw new Error(`the collector answered HTTP ${response.status}`);
    return groupBySite(await response.json());
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------- DOM helpers

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function setAttr(node, name, value) {
  if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

/** Makes parent's children match items in order, reusing the elements that have the same key. */
function reconcile(parent, items, keyOf, create, update) {
  const existing = new Map();
  for (const child of parent.children) existing.set(elementKeys.get(child), child);
  let cursor = parent.firstElementChild;
  for (const item of items) {
    const key = keyOf(item);
    let node = existing.get(key);
    if (node) {
      existing.delete(key);
    } else {
      node = create(item);
      elementKeys.set(node, key);
    }
    update(node, item);
    if (node === cursor) {
      cursor = cursor.nextElementSibling;
    } else {
      parent.insertBefore(node, cursor);
    }
  }
  for (const stale of existing.values()) stale.remove();
}

// ---------------------------------------------------------------- rendering

function createSite(site) {
  const section = element('section', 'site');
  const headingId = `site-heading-${++headingCounter}`;
  const head = element('div', 'site-head');
  const heading = element('h2', 'site-name');
  heading.id = headingId;
  head.append(heading, element('p', 'site-summary'));
  section.setAttribute('aria-labelledby', headingId);
  section.dataset.site = site.site;
  section.append(head, element('div', 'devices'));
  return section;
}

function siteSummary(devices) {
  const offline = devices.filter((d) => d.state === 'offline').length;
  const online = devices.filter((d) => d.state === 'online').length;
  const parts = [plural(devices.length, 'device')];
  if (offline > 0) parts.push(`${offline} offline`);
  else if (online === devices.length) parts.push('all online');
  return parts.join(' · ');
}

function updateSite(section, site) {
  setText(section.querySelector('.site-name'), site.site);
  setText(section.querySelector('.site-summary'), siteSummary(site.devices));
  reconcile(section.querySelector('.devices'), site.devices, (d) => d.device, createDevice, updateDevice);
}

function createDevice(device) {
  const article = element('article', 'device');
  article.dataset.site = device.site;
  article.dataset.device = device.device;

  const head = element('header', 'device-head');
  const badge = element('span', 'state-badge');
  badge.append(element('span', 'state-dot'), element('span', 'state-text'));
  head.append(element('h3', 'device-name'), badge);

  const note = element('p', 'device-note', 'Offline: these are the last readings it sent.');
  note.hidden = true;
  const empty = element('p', 'no-sensors', 'No sensor readings yet.');
  empty.hidden = true;

  article.append(head, element('p', 'device-seen'), note, element('ul', 'sensors'), empty);
  return article;
}

function latestReadingTime(device) {
  let latest = null;
  for (const s of device.sensors) {
    if (s.last && (latest === null || s.last.t > latest)) latest = s.last.t;
  }
  return latest;
}

function updateDevice(article, device) {
  setAttr(article, 'data-state', device.state);
  const state = STATES[device.state];
  setText(article.querySelector('.device-name'), device.device);
  setText(article.querySelector('.state-text'), state.label);
  setAttr(article.querySelector('.state-badge'), 'title', state.title);
  article.querySelector('.device-note').hidden = device.state !== 'offline';

  if (device.lastSeen !== null) {
    deviceTimes.set(article, { t: device.lastSeen, prefix: 'Last seen' });
  } else {
    const latest = latestReadingTime(device);
    deviceTimes.set(article, latest === null ? { t: null, prefix: 'Not heard from yet' }
      : { t: latest, prefix: 'Last reading' });
  }

  reconcile(article.querySelector('.sensors'), device.sensors, (s) => s.sensor,
    (s) => createSensor(device, s), updateSensor);
  article.querySelector('.no-sensors').hidden = device.sensors.length > 0;
}

function createSensor(device, sensor) {
  const item = element('li', 'sensor');
  item.dataset.site = device.site;
  item.dataset.device = device.device;
  item.dataset.sensor = sensor.sensor;

  const label = element('div', 'sensor-label');
  label.append(element('span', 'kind'), element('span', 'sensor-id'));

  const age = element('div', 'sensor-age');
  const tag = element('span', 'stale-tag', 'stale');
  tag.hidden = true;
  age.append(tag, element('span', 'age'));

  item.append(label, element('span', 'value'), age);
  return item;
}

function updateSensor(item, sensor) {
  setAttr(item, 'data-kind', sensor.kind);
  setText(item.querySelector('.kind'), kindLabel(sensor.kind));
  const id = item.querySelector('.sensor-id');
  setText(id, sensor.sensor);
  setAttr(id, 'title', sensor.sensor);

  const value = item.querySelector('.value');
  if (sensor.last) {
    const reading = formatReading(sensor);
    const number = element('span', 'number', reading.number);
    const parts = reading.unit ? [number, ' ', element('span', 'unit', reading.unit)] : [number];
    if (value.textContent !== parts.map((p) => (typeof p === 'string' ? p : p.textContent)).join('')) {
      value.replaceChildren(...parts);
    }
    value.classList.remove('no-reading');
    readingTimes.set(item, sensor.last.t);
  } else {
    setText(value, 'No reading yet');
    value.classList.add('no-reading');
    readingTimes.delete(item);
  }
}

/** Ages and staleness depend on the clock, not on new data: recomputed every second. */
function updateAges() {
  const now = Date.now();
  for (const item of document.querySelectorAll('#sites .sensor')) {
    const t = readingTimes.get(item);
    const stale = t !== undefined && now - t > STALE_AFTER_MS;
    item.classList.toggle('is-stale', stale);
    setAttr(item, 'data-stale', String(stale));
    item.querySelector('.stale-tag').hidden = !stale;
    if (stale) setAttr(item, 'title', 'No new reading for more than 5 minutes');
    else item.removeAttribute('title');
    setText(item.querySelector('.age'), t === undefined ? '' : formatAge(now - t));
  }
  for (const article of document.querySelectorAll('#sites .device')) {
    const seen = deviceTimes.get(article);
    if (!seen) continue;
    setText(article.querySelector('.device-seen'),
      seen.t === null ? seen.prefix : `${seen.prefix} ${formatAge(now - seen.t)}`);
  }
  updateRefreshStatus(now);
}

function updateRefreshStatus(now) {
  const status = document.getElementById('refresh-status');
  if (view.lastSuccessAt === null) {
    setText(status, view.failingSince === null ? 'Connecting…' : 'Not connected');
  } else if (view.failingSince === null) {
    setText(status, `Updated ${formatAge(now - view.lastSuccessAt)}`);
  } else {
    setText(status, `Last update at ${formatClock(view.lastSuccessAt)}`);
  }
}

function renderSites() {
  const sites = view.sites;
  document.getElementById('placeholder').hidden = true;
  document.getElementById('empty').hidden = sites.length > 0;
  reconcile(document.getElementById('sites'), sites, (s) => s.site, createSite, updateSite);
  updateAges();
}

function renderConnection() {
  const banner = document.getElementById('connection-banner');
  document.body.classList.toggle('is-disconnected', view.failingSince !== null);
  if (view.failingSince === null) {
    banner.hidden = true;
    banner.replaceChildren();
    return;
  }
  const since = formatClock(view.failingSince);
  const message = view.sites === null
    ? `Cannot reach the Steward collector since ${since} — no readings can be shown until it answers`
    : `Cannot reach the Steward collector since ${since} — values below may be out of date`;
  const strong = banner.querySelector('strong');
  if (!strong || strong.textContent !== message) {
    banner.replaceChildren(element('strong', 'banner-message', message), ' ',
      element('span', 'banner-detail', 'Trying again every few seconds.'));
  }
  banner.hidden = false;
  if (view.sites === null) {
    setText(document.getElementById('placeholder'), 'No readings could be loaded yet.');
  }
  updateRefreshStatus(Date.now());
}

// ---------------------------------------------------------------- updates

async function refresh() {
  if (view.inFlight) {
    view.refreshAgain = true;
    return;
  }
  view.inFlight = true;
  clearTimeout(view.pollTimer);
  let sites = null;
  try {
    sites = await fetchDevices();
    view.lastSuccessAt = Date.now();
    view.failingSince = null;
  } catch (error) {
    if (view.failingSince === null) view.failingSince = Date.now();
    console.warn('Steward: cannot load devices:', error);
  }
  try {
    if (sites !== null) {
      view.sites = sites;
      renderSites();
    }
    renderConnection();
  } catch (error) {
    console.error('Steward: cannot show devices:', error);
  } finally {
    view.inFlight = false;
    if (view.refreshAgain) {
      view.refreshAgain = false;
      refresh();
    } else {
      view.pollTimer = setTimeout(refresh, POLL_INTERVAL_MS);
    }
  }
}

/** A burst of events causes one refresh, at most STREAM_DEBOUNCE_MS after the first of them. */
function refreshSoon() {
  if (view.debounceTimer !== null) return;
  view.debounceTimer = setTimeout(() => {
    view.debounceTimer = null;
    refresh();
  }, STREAM_DEBOUNCE_MS);
}

/** Live updates; the browser reconnects by itself, and polling keeps the page current meanwhile. */
function connectStream() {
  if (typeof EventSource !== 'function') return;
  let source;
  try {
    source = new EventSource(STREAM_URL);
  } catch (error) {
    console.warn('Steward: no live stream, polling only:', error);
    return;
  }
  source.addEventListener('reading', refreshSoon);
  source.addEventListener('open', () => {
    if (view.failingSince !== null) refreshSoon();
  });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      source.close();
      setTimeout(connectStream, STREAM_RETRY_MS);
    }
  });
}

function start() {
  refresh();
  connectStream();
  setInterval(updateAges, 1000);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') refreshSoon();
  });
  window.addEventListener('online', refreshSoon);
}

start();
