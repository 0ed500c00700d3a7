// Watering from the plot view: a steward opens a bed's valve for a chosen time and sees the device's own answer;
// the commands sent to the device, by whom and with what outcome, are listed below it (docs/dashboard.md).

import { api } from '../api.js';
import { button, el } from '../dom.js';
import { formatTime } from '../format.js';
import { may } from '../session.js';

const MINUTES = [5, 10, 15, 30];
/** The last answer shown, kept across the redraw that brings the new valve span into the chart. */
let last = null;

/** The watering controls of one valve, and the device's recent commands; empty for those who may not water. */
export async function waterSection(site, device, valve, zone, onDone) {
  const section = el('section', 'plot-water');
  section.append(el('h2', 'chart-title', `Water · ${valve.sensor}`));
  if (may('steward', site.site)) {
    const minutes = el('select', 'water-minutes');
    minutes.setAttribute('aria-label', 'How long');
    for (const m of MINUTES) {
      const option = el('option', null, `${m} minutes`);
      option.value = String(m);
      minutes.append(option);
    }
    const status = el('p', 'water-status');
    status.setAttribute('role', 'status');
    const key = `${site.site}/${device.device}/${valve.sensor}`;
    if (last && last.key === key && Date.now() - last.at < 60000) {
      status.textContent = last.text;
      status.dataset.outcome = last.outcome;
    }
    const send = async (action) => {
      status.textContent = action === 'open' ? 'Sending… the device answers within seconds' : 'Closing…';
      section.dataset.pending = action;
      try {
        const answer = await api.command({ site: site.site, device: device.device, actuator: valve.sensor, action,
          seconds: action === 'open' ? Number(minutes.value) * 60 : undefined });
        if (answer.outcome === 'done') {
          status.textContent = action === 'open' ? `Open: the device closes it after ${minutes.value} minutes`
            : 'Closed';
        } else if (answer.outcome === 'no_answer') {
          status.textContent = `No answer: ${answer.reason}`;
        } else {
          status.textContent = `The device refused: ${answer.reason}`;
        }
        status.dataset.outcome = answer.outcome;
      } catch (error) {
        status.textContent = `Not done: ${error.message}`;
        status.dataset.outcome = 'failed';
      }
      delete section.dataset.pending;
      last = { key, text: status.textContent, outcome: status.dataset.outcome, at: Date.now() };
      onDone();
    };
    const open = button('Open the valve', 'primary', () => send('open'));
    open.dataset.action = 'water';
    section.append(el('div', 'water-controls', minutes, open, button('Close it', 'secondary', () => send('close'))),
      status);
  }
  const commands = await api.commands(site.site, device.device).catch(() => []);
  if (commands.length) {
    const list = el('ul', 'water-log');
    for (const c of commands.slice(0, 10)) {
      const what = c.action === 'open' ? `open ${Math.round((c.seconds || 0) / 60)} min` : 'close';
      list.append(el('li', null, `${formatTime(c.sentAt, zone)} · ${c.person || 'someone'} · ${what} · `,
        el('strong', null, c.outcome.replace('_', ' ')), c.reason ? ` (${c.reason})` : ''));
    }
    section.append(el('h3', 'water-log-title', 'Recent commands'), list);
  }
  return section;
}
