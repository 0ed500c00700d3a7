// New readings and alert changes as they happen (GET api/v1/stream, Server-Sent Events). The browser reconnects
// by itself; what was stored while the stream was down is not sent again, so whoever draws from the stream is told
// when it opens again (onOpen) and asks the API afresh: a lost stream makes a view late, never wrong.

const readingListeners = new Set();
const alertListeners = new Set();
const aidListeners = new Set();
const openListeners = new Set();
/** Retries of a refused stream back off: a collector at its limit of streams is not asked every second. */
const FIRST_RETRY_MS = 2000;
const LONGEST_RETRY_MS = 60000;
let retryMs = FIRST_RETRY_MS;
let source = null;
let connected = false;
let firstOpen = null;
const opened = new Promise((resolve) => {
  firstOpen = resolve;
});

export function onReadings(listener) {
  readingListeners.add(listener);
  return () => readingListeners.delete(listener);
}

export function onAlert(listener) {
  alertListeners.add(listener);
  return () => alertListeners.delete(listener);
}

/** Mutual aid: this site's requests for help, or its neighbours', changed. */
export function onAid(listener) {
  aidListeners.add(listener);
  return () => aidListeners.delete(listener);
}

/** Each time the stream opens from now on: when it comes back, or opens only after streamOpen gave up waiting. */
export function onOpen(listener) {
  openListeners.add(listener);
  return () => openListeners.delete(listener);
}

/**
 * Resolves once the stream first opens, or after waitMs if it does not (no EventSource, or a collector that refuses
 * it): a view drawn from the API before then could miss a reading stored before the stream was there to send it.
 */
export function streamOpen(waitMs) {
  return Promise.race([opened, new Promise((resolve) => setTimeout(resolve, waitMs))]);
}

/**
 * One stream for the page. It is closed when the page is put away (the back-forward cache keeps hidden pages, and a
 * browser has only six connections to one host: hidden pages' streams would starve the visible page's requests).
 */
export function connect() {
  if (!connected) {
    connected = true;
    window.addEventListener('pagehide', () => {
      if (source) source.close();
      source = null;
    });
    window.addEventListener('pageshow', (event) => {
      if (event.persisted) open();
    });
  }
  open();
}

function open() {
  if (source || typeof EventSource !== 'function') return;
  source = new EventSource('api/v1/stream');
  source.addEventListener('open', () => {
    retryMs = FIRST_RETRY_MS;
    firstOpen();
    for (const listener of openListeners) listener();
  });
  source.addEventListener('reading', (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (!message || !Array.isArray(message.readings)) return;
    for (const listener of readingListeners) listener(message);
  });
  source.addEventListener('alert', (event) => {
    let alert;
    try {
      alert = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    for (const listener of alertListeners) listener(alert);
  });
  source.addEventListener('aid', () => {
    for (const listener of aidListeners) listener();
  });
  source.addEventListener('error', () => {
    // A stream the browser gave up on (refused, or cut before it opened) is not retried by the browser itself.
    if (source.readyState === EventSource.CLOSED) {
      source.close();
      source = null;
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, LONGEST_RETRY_MS);
    }
  });
}
