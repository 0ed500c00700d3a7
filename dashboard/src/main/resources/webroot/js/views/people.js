// People: for admins. Everyone with a role at the sites they look after, each role to change or take away, a role to
// give; an admin of every site also adds and removes people (docs/security.md says who may do what).

import { api } from '../api.js';
import { button, el, render } from '../dom.js';
import { may, mayAnywhere, signedIn } from '../session.js';
import { attempt, field, fieldset, say, select, statusLine, unlessNoAccounts } from './forms.js';

const ROLES = [['viewer', 'viewer'], ['steward', 'steward'], ['installer', 'installer'], ['admin', 'admin']];
/** How long a Remove button waits for its second press. */
const CONFIRM_MS = 6000;

export async function show(container, route, ctx) {
  if (!signedIn().open && !mayAnywhere('admin')) {
    render(container, el('div', 'people-view', el('h1', 'view-title', 'People'),
      el('p', 'problem', 'Only admins manage people. Ask an admin of your site to change your role.')));
    return { title: 'People' };
  }
  const loaded = await unlessNoAccounts(container, 'People',
    () => Promise.all([api.people(), api.sites().catch(() => [])]));
  if (!ctx.isCurrent()) return null;
  if (!loaded) return { title: 'People' };
  const [people, sites] = loaded;
  const draw = async (done) => {
    const fresh = done === undefined ? people : await api.people();
    render(container, page(fresh, managedSites(sites, fresh), draw, done));
  };
  await draw();
  return { title: 'People' };
}

/** The sites where they may give roles: every one they know of when they are an admin of every site. */
function managedSites(sites, people) {
  const known = [...sites.map((s) => s.site), ...people.flatMap((p) => p.roles.map((r) => r.site))];
  const own = signedIn().roles.filter((r) => r.role === 'admin').map((r) => r.site);
  return [...new Set([...known, ...own])].filter((s) => s !== '*' && may('admin', s)).sort();
}

function everySiteAdmin() {
  return may('admin', '*');
}

function page(people, sites, draw, done) {
  const view = el('div', 'people-view people-list-view');
  view.append(el('h1', 'view-title', 'People'));
  view.append(el('p', 'view-sub', everySiteAdmin()
    ? 'Everyone who may sign in, and their role at each site.'
    : `The people with a role at ${sites.join(', ')}, which you look after. Adding and removing people is for an `
      + 'admin of every site.'));
  view.append(el('p', 'roles-legend', el('strong', null, 'Roles: '), 'a viewer reads; a steward also acknowledges '
    + 'alerts and waters; an installer also sees device health and pushes configs; an admin also manages people, '
    + 'rules and sites.'));
  const top = statusLine('people-status');
  if (done) say(top, done.outcome, done.text);
  view.append(top);
  const list = el('div', 'people-cards');
  for (const person of people) list.append(personCard(person, sites, draw));
  view.append(list);
  if (everySiteAdmin()) view.append(addForm(sites, draw));
  return view;
}

function where(site) {
  return site === '*' ? 'every site' : site;
}

/** Runs a change and shows the list again, saying what came of it at the top. */
async function change(draw, work, text) {
  try {
    await work();
    await draw({ outcome: 'saved', text });
  } catch (error) {
    await draw({ outcome: 'refused', text: `Not done: ${error.message}` });
  }
}

function personCard(person, sites, draw) {
  const card = el('article', 'person-card');
  card.dataset.name = person.name;
  card.append(el('h2', 'person-name', person.name));
  const roles = el('ul', 'person-roles');
  if (!person.roles.length) roles.append(el('li', 'note', 'No role: they can sign in but see nothing.'));
  for (const role of person.roles) {
    const item = el('li', 'person-role');
    item.dataset.site = role.site;
    if (!may('admin', role.site)) {
      item.append(`${role.role} at ${where(role.site)}`);
      roles.append(item);
      continue;
    }
    const choose = select(ROLES, role.role);
    choose.setAttribute('aria-label', `${person.name}'s role at ${where(role.site)}`);
    choose.addEventListener('change', () => change(draw, () => api.setRole(person.name, role.site, choose.value),
      `${person.name} is now ${choose.value} at ${where(role.site)}.`));
    const takeAway = button('Take away', 'secondary', () => change(draw,
      () => api.removeRole(person.name, role.site), `${person.name} has no role at ${where(role.site)} any more.`));
    takeAway.setAttribute('aria-label', `Take ${person.name}'s role at ${where(role.site)} away`);
    item.append(el('span', 'role-site', where(role.site)), choose, takeAway);
    roles.append(item);
  }
  card.append(roles);
  const give = giveRole(person, sites, draw);
  if (give) card.append(give);
  if (everySiteAdmin() && person.name !== signedIn().name) card.append(removeButton(person, draw));
  return card;
}

function giveRole(person, sites, draw) {
  const options = [...sites.map((s) => [s, s]), ...(everySiteAdmin() ? [['*', 'every site']] : [])]
    .filter(([site]) => !person.roles.some((r) => r.site === site));
  if (!options.length) return null;
  const site = select(options, options[0][0]);
  const role = select(ROLES, 'viewer');
  site.setAttribute('aria-label', `Site for ${person.name}'s new role`);
  role.setAttribute('aria-label', `${person.name}'s new role`);
  const give = button('Give', 'secondary', () => change(draw, () => api.setRole(person.name, site.value, role.value),
    `${person.name} is now ${role.value} at ${where(site.value)}.`));
  give.dataset.action = 'give-role';
  return el('details', 'give-role', el('summary', null, person.roles.length ? 'Give a role at another site'
    : 'Give a role'), el('div', 'give-role-row', role, el('span', null, 'at'), site, give));
}

/** Two presses: the first asks, the second removes. */
function removeButton(person, draw) {
  const remove = button(`Remove ${person.name}`, 'secondary danger', () => {
    if (remove.dataset.armed !== 'true') {
      remove.dataset.armed = 'true';
      remove.textContent = `Press again to remove ${person.name}`;
      setTimeout(() => {
        remove.dataset.armed = 'false';
        remove.textContent = `Remove ${person.name}`;
      }, CONFIRM_MS);
      return;
    }
    change(draw, () => api.removePerson(person.name), `Removed ${person.name}, with their sign-ins and shifts.`);
  });
  remove.dataset.action = 'remove-person';
  return el('div', 'person-remove', remove);
}

function addForm(sites, draw) {
  const name = el('input');
  name.autocomplete = 'off';
  name.setAttribute('autocapitalize', 'none');
  name.spellcheck = false;
  name.placeholder = 'ann';
  const password = el('input');
  password.type = 'password';
  password.autocomplete = 'new-password';
  const role = select(ROLES, 'steward');
  const site = select([...sites.map((s) => [s, s]), ['*', 'every site']], sites[0] || '*');
  const status = statusLine('add-person-status');
  const add = button('Add', 'primary', async () => {
    const answer = await attempt(status, 'Adding…', () => api.addPerson({
      name: name.value.trim(), password: password.value, roles: [{ site: site.value, role: role.value }],
    }), () => 'Added.');
    if (answer) await draw({ outcome: 'saved', text: `Added ${answer.name}: ${role.value} at ${where(site.value)}. `
      + 'Tell them their name and password; they can sign in now.' });
  });
  add.dataset.action = 'add-person';
  const form = el('form', 'people-form add-person', fieldset('Add a person',
    field('Name', name, 'What they sign in with: a-z, 0-9, ".", "_" and "-".'),
    field('Password', password, 'At least 10 characters; a few words do.'),
    el('div', 'field-row', field('Role', role), field('At', site)),
    el('div', 'form-actions', add, status)));
  form.addEventListener('submit', (event) => event.preventDefault());
  return form;
}
