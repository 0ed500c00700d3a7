// Every view has a URL of its own in the fragment: #/view/segment/segment?name=value. Bookmarkable, shareable,
// and the back button works because every change of view or range is a new history entry.

export function parse(hash) {
  const text = (hash || '').replace(/^#/, '') || '/';
  const [path, search = ''] = text.split('?');
  const segments = path.split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch (error) {
      return s;
    }
  });
  return { view: segments[0] || 'today', segments: segments.slice(1), query: new URLSearchParams(search) };
}

export function href(view, segments = [], query = {}) {
  const path = [view, ...segments].map(encodeURIComponent).join('/');
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '' && value !== false) search.set(name, String(value));
  }
  const text = search.toString();
  return `#/${path}${text ? `?${text}` : ''}`;
}

/** Changes one part of the current URL's query, as a new history entry. */
export function withQuery(route, changes) {
  const query = Object.fromEntries(route.query.entries());
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || value === null || value === '' || value === false) delete query[name];
    else query[name] = String(value);
  }
  return href(route.view, route.segments, query);
}

export function go(target) {
  if (location.hash !== target) location.hash = target;
}
