// The collector's HTTP API (docs/protocol.md). Relative URLs, so the page works behind any host, port or path.

/** Long enough for a year of data from a busy Pi; past it the view says so instead of waiting for ever. */
const TIMEOUT_MS = 30000;

export class ApiError extends Error {}

/** The latest API requests, so that anyone (the browser tests too) can ask the API what a view was shown. */
const recent = [];
window.stewardRequests = recent;

async function request(path, options = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  recent.push(path);
  if (recent.length > 200) recent.shift();
  let response;
  try {
    response = await fetch(path, {
      cache: 'no-store', headers: { Accept: 'application/json', ...(options.headers || {}) },
      method: options.method || 'GET', body: options.body, signal: controller.signal,
    });
  } catch (error) {
    throw new ApiError(error.name === 'AbortError'
      ? `The Steward collector did not answer within ${TIMEOUT_MS / 1000} s (${path.split('?')[0]})`
      : 'Cannot reach the Steward collector');
  } finally {
    clearTimeout(timer);
  }
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    body = null;
  }
  if (response.status === 401 && options.method !== 'DELETE') {
    // Signed out, or never signed in: the sign-in page brings them back to this view.
    location.assign(`signin.html${location.hash}`);
  }
  if (!response.ok) {
    throw new ApiError(body && body.error ? body.error : `the collector answered HTTP ${response.status}`);
  }
  return body;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const api = {
  session: () => request('api/v1/session'),
  signOut: () => request('api/v1/session', { method: 'DELETE' }),
  devices: () => request('api/v1/devices'),
  command: (command) => request('api/v1/commands', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(command),
  }),
  commands: (site, device) => request(`api/v1/commands${query({ site, device })}`),
  pushConfig: (site, device, config) => request(`api/v1/devices/${encodeURIComponent(site)}/${
    encodeURIComponent(device)}/config`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ config }),
  }),
  sites: () => request('api/v1/sites'),
  /** At a hub: the sites that forward to it; a 404 where the collector is not a hub. */
  hubSites: () => request('api/v1/hub/sites'),
  settings: () => request('api/v1/settings'),
  checkSettings: (yaml) => request('api/v1/settings/check', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ yaml }),
  }),
  saveSettings: (yaml, version) => request('api/v1/settings', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ yaml, version }),
  }),
  alerts: (params) => request(`api/v1/alerts${query(params)}`),
  alert: (id) => request(`api/v1/alerts/${encodeURIComponent(id)}`),
  /** Mutual aid: this site's requests for help ({asked}) and its neighbours' ({offered}). */
  aid: () => request('api/v1/aid'),
  takeAid: (site, alert) => request(`api/v1/aid/${encodeURIComponent(site)}/${encodeURIComponent(alert)}/take`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}',
  }),
  acknowledge: (id, note) => request(`api/v1/alerts/${encodeURIComponent(id)}/ack`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(note ? { note } : {}),
  }),
  /** series: [{site, device, sensor}]; at most 20 a request, so longer lists are split. */
  batch: async (series, from, to, maxPoints) => {
    const chunks = [];
    for (let i = 0; i < series.length; i += 20) chunks.push(series.slice(i, i + 20));
    const answers = await Promise.all(chunks.map((chunk) => request(`api/v1/series/batch${query({
      series: chunk.map((s) => `${s.site}/${s.device}/${s.sensor}`), from, to, maxPoints,
    })}`)));
    const first = answers[0] || { from, to, step: null, series: [] };
    return { ...first, series: answers.flatMap((a) => a.series) };
  },
  spans: (site, device, sensor, from, to) => request(`api/v1/spans${query({ site, device, sensor, from, to })}`),
  totals: (site, device, sensor, from, to, period) =>
    request(`api/v1/totals${query({ site, device, sensor, from, to, period })}`),
  report: (params) => request(`api/v1/report${query(params)}`),
  reportCsvUrl: (params) => `api/v1/report${query({ ...params, format: 'csv' })}`,
  seriesCsvUrl: (s, from, to) => `api/v1/series${query({ site: s.site, device: s.device, sensor: s.sensor, from, to,
    format: 'csv', limit: 1000000 })}`,
  // The people pages: My alerts, Rota, People.
  myNotify: () => request('api/v1/me/notify'),
  setMyNotify: (choice) => request('api/v1/me/notify', sending('PUT', choice)),
  rota: (site) => request(`api/v1/sites/${encodeURIComponent(site)}/rota`),
  addShift: (site, shift) => request(`api/v1/sites/${encodeURIComponent(site)}/rota`, sending('POST', shift)),
  removeShift: (site, position) => request(`api/v1/sites/${encodeURIComponent(site)}/rota/${position}`,
    { method: 'DELETE' }),
  setEscalation: (site, afterSeconds) => request(`api/v1/sites/${encodeURIComponent(site)}/escalation`,
    sending('PUT', { afterSeconds })),
  people: () => request('api/v1/people'),
  addPerson: (person) => request('api/v1/people', sending('POST', person)),
  setRole: (name, site, role) => request(`api/v1/people/${encodeURIComponent(name)}/roles/${
    encodeURIComponent(site)}`, sending('PUT', { role })),
  removeRole: (name, site) => request(`api/v1/people/${encodeURIComponent(name)}/roles/${encodeURIComponent(site)}`,
    { method: 'DELETE' }),
  removePerson: (name) => request(`api/v1/people/${encodeURIComponent(name)}`, { method: 'DELETE' }),
};

function sending(method, body) {
  return { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}
