// New readings and alert changes as they happen (GET api/v1/stream, Server-Sent Events). The browser reconnects
// by itself; views poll as well, so a lost stream only makes them slower, never wrong.

const readingListeners = new Set();
const alertListeners = new Set();
const aidListeners = new Set();
let source = null;
let connected = false;

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
    if (source.readyState === EventSource.CLOSED) {
      source.close();
      source = null;
      setTimeout(open, 30000);
    }
  });
}
