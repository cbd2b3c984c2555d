import { h } from './dom.js';
import { connectLive } from './live.js';
import { LiveHub } from './live-hub.js';
import { renderNotFound } from './not-found.js';
import { renderRunPage, runIdOf } from './run-page.js';
import { renderRunsPage } from './runs-page.js';

/**
 * The viewer's page: a header with the live indicator, then the runs page (`/`), a run page
 * (`/runs/<id>`) or the not-found page, chosen from the path. Every link is a plain link.
 */
function start(): void {
  const hub = new LiveHub();
  const main = h('main', { id: 'main' });
  const toast = h('div', { class: 'toast', hidden: true, role: 'alert' });
  document.body.replaceChildren(
    h(
      'header',
      { class: 'top' },
      h('a', { href: '/', class: 'brand' }, 'AgentDB'),
      h('span', { class: 'dim' }, 'viewer · read-only'),
      connectLive((msg) => hub.emit(msg)),
    ),
    main,
    toast,
  );
  // A failed background read (a click, a live refresh) is shown rather than lost in the console.
  window.addEventListener('unhandledrejection', (e) => {
    toast.hidden = false;
    toast.textContent = `Could not load: ${e.reason instanceof Error ? e.reason.message : String(e.reason)}`;
  });
  const { pathname } = location;
  const runId = runIdOf(pathname);
  if (pathname === '/') renderRunsPage(main, hub);
  else if (runId !== undefined) void renderRunPage(main, runId, hub);
  else renderNotFound(main, `The viewer has no page at ${pathname}.`);
}

start();
