import { h, replace } from './dom.js';

/**
 * The page for a run the database does not know, or a path the viewer does not serve.
 *
 * @example
 * renderNotFound(main, 'No run "x" in this database.');
 */
export function renderNotFound(main: HTMLElement, message: string): void {
  document.title = 'Not found · AgentDB';
  replace(
    main,
    h(
      'section',
      { class: 'not-found' },
      h('h1', null, 'Not found'),
      h('p', { class: 'not-found-message' }, message),
      h('p', null, h('a', { href: '/' }, '← All runs')),
    ),
  );
}
