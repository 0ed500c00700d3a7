// Who is signed in, and what they may do where (docs/security.md). Open collectors (the demo) let everyone do all.

const ORDER = ['viewer', 'steward', 'installer', 'admin'];
let person = { name: '', roles: [{ site: '*', role: 'admin' }], open: true };

export function setPerson(answer) {
  if (answer) person = answer;
}

export function signedIn() {
  return person;
}

/** True when one of their roles at the site (or at every site) includes `role`. */
export function may(role, site) {
  return person.roles.some((r) => (r.site === '*' || r.site === site) && ORDER.indexOf(r.role) >= ORDER.indexOf(role));
}

/** True when they hold a role that includes `role` at some site. */
export function mayAnywhere(role) {
  return person.roles.some((r) => ORDER.indexOf(r.role) >= ORDER.indexOf(role));
}
