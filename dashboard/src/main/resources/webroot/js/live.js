// New readings and alert changes as they happen (GET api/v1/stream, Server-Sent Events). The browser reconnects
// by itself; views poll as well, so a lost stream only makes them slower, never wrong.

const readingListeners = new Set();
const alertListeners = new Set();
let source = null;

export function onReadings(listener) {
  readingListeners.add(listener);
  return () => readingListeners.delete(listener);
}

export function onAlert(listener) {
  alertListeners.add(listener);
  return () => alertListeners.delete(listener);
}

export function connect() {
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
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      source.close();
      source = null;
      setTimeout(connect, 30000);
    }
  });
}
