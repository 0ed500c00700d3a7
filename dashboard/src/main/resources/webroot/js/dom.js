// Small DOM helpers: elements with text set safely, links to views, keyed list reconciliation.

export function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return node;
}

export function link(href, className, ...children) {
  const a = el('a', className, ...children);
  a.href = href;
  return a;
}

export function button(label, className, onClick) {
  const b = el('button', className, label);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

/** A labelled value for a card: "Soil moisture 31.4 %". */
export function figure(label, number, unit, className = '') {
  return el('div', `figure ${className}`.trim(),
    el('span', 'figure-label', label),
    el('span', 'figure-value', el('span', 'number', number), unit ? el('span', 'unit', ` ${unit}`) : null));
}

export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * Someone is at work in a view: typing (a field has focus, or a note has text) or waiting on a button they pressed
 * (data-pending). Drawing it anew then would take what they wrote, or the answer they wait for.
 */
export function busy(container) {
  if (!container) return false;
  const active = document.activeElement;
  if (active && container.contains(active) && active.matches('input, textarea, select')) return true;
  if ([...container.querySelectorAll('textarea')].some((t) => t.value)) return true;
  return container.querySelector('[data-pending]') !== null;
}

/** Replaces a container's content, keeping the page's scroll position. */
export function render(container, ...children) {
  container.replaceChildren(...children.filter((c) => c));
}

export function message(text, className = 'note') {
  return el('p', className, text);
}
