// Settings: the collector's config file (alert rules, solar arrays, site time zones) for admins of every site.
// Checked as the collector checks it at start-up, with each problem's line; saved and applied without a restart.

import { api } from '../api.js';
import { button, el, render } from '../dom.js';
import { may } from '../session.js';

export async function show(container, route, ctx) {
  const page = el('div', 'settings-view');
  page.append(el('h1', 'view-title', 'Settings'));
  if (!may('admin', '*')) {
    page.append(el('p', 'note', 'The settings cover every site, so only an admin of every site sees them here.'));
    render(container, page);
    return { title: 'Settings' };
  }
  const current = await api.settings();
  if (!ctx.isCurrent()) return null;
  if (!current.editable) {
    page.append(el('p', 'note', 'This collector runs on the shipped rules: it was started without --config. '
      + 'Start it with --config FILE (see docs/alerts.md) to change rules and sites here.'));
    render(container, page);
    return { title: 'Settings' };
  }
  let version = current.version;
  page.append(el('p', 'note', 'Alert rules, solar arrays and site time zones, as in ', el('code', null, current.file),
    '. They apply as soon as they are saved; what needs a restart is said. How to write them: docs/alerts.md, '
    + 'section 2, in Steward\'s source.'));
  const text = el('textarea', 'settings-text');
  text.rows = 18;
  text.spellcheck = false;
  // YAML's meaning is in its indentation: a wrapped line would read as another key. Scroll sideways instead.
  text.wrap = 'off';
  text.value = current.yaml;
  text.setAttribute('aria-label', 'The collector config (YAML)');
  const problems = el('ul', 'settings-problems');
  const status = el('p', 'settings-status');
  status.setAttribute('role', 'status');
  const showProblems = (list) => {
    problems.replaceChildren(...list.map((p) => el('li', null, p.line > 0 ? `Line ${p.line}: ` : '',
      p.field ? `${p.field}: ` : '', p.message)));
  };
  const check = button('Check', 'secondary', async () => {
    status.textContent = 'Checking…';
    try {
      const answer = await api.checkSettings(text.value);
      showProblems(answer.problems);
      status.dataset.outcome = answer.problems.length ? 'problems' : 'ok';
      status.textContent = answer.problems.length ? `${answer.problems.length} to fix before saving` : 'No problems';
    } catch (error) {
      status.dataset.outcome = 'failed';
      status.textContent = error.message;
    }
  });
  const save = button('Save and apply', 'primary', async () => {
    save.disabled = true;
    status.textContent = 'Checking…';
    try {
      const checked = await api.checkSettings(text.value);
      showProblems(checked.problems);
      if (checked.problems.length) {
        status.dataset.outcome = 'problems';
        status.textContent = `Not saved: ${checked.problems.length} to fix first`;
        return;
      }
      const answer = await api.saveSettings(text.value, version);
      version = answer.version;
      status.dataset.outcome = 'saved';
      status.textContent = `Saved. In effect now: ${answer.now.join(', ')}.${answer.atRestart.length
        ? ` At the next restart: ${answer.atRestart.join(', ')}.` : ''}`;
    } catch (error) {
      status.dataset.outcome = 'failed';
      status.textContent = `Not saved: ${error.message}`;
    } finally {
      save.disabled = false;
    }
  });
  save.dataset.action = 'save-settings';
  page.append(text, el('div', 'settings-actions', check, save), status, problems);
  render(container, page);
  return { title: 'Settings' };
}
