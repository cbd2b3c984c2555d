/** A child `h` accepts: nodes, text, nothing (skipped), or lists of them. */
export type Child = Node | string | number | null | undefined | false | Child[];

/** Attributes `h` sets: strings and numbers as attributes, `true` as an empty attribute, functions as listeners (`onclick`). */
export type Attrs = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(parent, c);
    return;
  }
  parent.appendChild(
    typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child,
  );
}

/**
 * Creates an element. Text always goes in as text nodes, never as HTML, so stored values (which can
 * hold anything) cannot inject markup.
 *
 * @example
 * h('a', { href: '/runs/x', class: 'run-link' }, 'x')
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/**
 * Replaces the children of `el`.
 *
 * @example
 * replace(tbody, rows.map(renderRow));
 */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}
