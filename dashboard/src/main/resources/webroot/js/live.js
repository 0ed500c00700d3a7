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
/** Ends streamOpen's wait: the stream opened, or was refused. */
let endWait = null;
const waited = new Promise((resolve) => {
  endWait = resolve;
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

/**
 * Readings from now on, held until start(listener) and then passed on in order. A view takes them before it asks the
 * API, so that a reading stored while its requests are answered is not lost between the answer and the stream (a
 * chart passes over points it already has).
 */
export function heldReadings() {
  const held = [];
  let deliver = null;
  const stop = onReadings((message) => (deliver ? deliver(message) : held.push(message)));
  return {
    stop,
    start(listener) {
      deliver = listener;
      held.splice(0).forEach(listener);
    },
  };
}

/** Each time the stream opens from now on: when it comes back, or opens only after streamOpen gave up waiting. */
export function onOpen(listener) {
  openListeners.add(listener);
  return () => openListeners.delete(listener);
}

/**
 * Resolves once the stream first opens or is refused, or after waitMs: a view drawn from the API before then could
 * miss a reading stored before the stream was there to send it. One drawn without the stream is drawn again when it
 * opens (onOpen).
 */
export function streamOpen(waitMs) {
  return Promise.race([waited, new Promise((resolve) => setTimeout(resolve, waitMs))]);
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
  if (typeof EventSource !== 'function') {
    endWait();
    return;
  }
  if (source) return;
  const stream = new EventSource('api/v1/stream');
  source = stream;
  stream.addEventListener('open', () => {
    retryMs = FIRST_RETRY_MS;
    endWait();
    for (const listener of openListeners) listener();
  });
  stream.addEventListener('reading', (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (!message || !Array.isArray(message.readings)) return;
    for (const listener of readingListeners) listener(message);
  });
  stream.addEventListener('alert', (event) => {
    let alert;
    try {
      alert = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    for (const listener of alertListeners) listener(alert);
  });
  stream.addEventListener('aid', () => {
    for (const listener of aidListeners) listener();
  });
  stream.addEventListener('error', () => {
    // A stream the browser gave up on (refused, or cut before it opened) is not retried by the browser itself.
    // An error of a stream already put away (pagehide) is no longer this page's concern.
    if (stream === source && stream.readyState === EventSource.CLOSED) {
      endWait();
      stream.close();
      source = null;
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, LONGEST_RETRY_MS);
    }
  });
}
