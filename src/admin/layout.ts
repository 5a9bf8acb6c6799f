import { AdminSession } from './admin-cookies';
import { html, SafeHtml } from './html';

/** The console's sections, in the navigation's order. */
export const SECTIONS = [
  { path: '/admin/users', label: 'Users' },
  { path: '/admin/items', label: 'Items' },
  { path: '/admin/dead-letters', label: 'Dead letters' },
  { path: '/admin/jobs', label: 'Jobs' },
  { path: '/admin/sync', label: 'Sync' },
] as const;

// Inline because the CSP allows inline styles (never inline scripts). Colours keep a contrast
// ratio of at least 4.5:1 on their backgrounds (WCAG AA).
const STYLE = `
*{box-sizing:border-box}body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}
a{color:#0645ad}header{background:#1f2937;color:#fff;padding:.5rem 1rem;display:flex;gap:1.5rem;align-items:center;flex-wrap:wrap}
header a{color:#fff}header nav ul{list-style:none;display:flex;gap:1rem;margin:0;padding:0}
header nav a[aria-current=page]{font-weight:bold;text-decoration-thickness:3px}
header form{margin-left:auto}main{padding:1rem;max-width:72rem}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f4f6}fieldset{border:1px solid #ccc;margin:1rem 0}label{display:inline-block;margin:.25rem .75rem .25rem 0}
input,select,textarea,button{font:inherit}button{cursor:pointer}button.danger{background:#b91c1c;color:#fff;border:1px solid #7f1d1d}
.notice{background:#ecfdf5;border:1px solid #047857;padding:.5rem}.error{background:#fef2f2;border:1px solid #b91c1c;padding:.5rem}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#0645ad;padding:.5rem}
td form{display:inline}code{font-size:.9em}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}`;

export interface PageOptions {
  readonly title: string;
  readonly serviceName: string;
  readonly session?: AdminSession | null;
  /** The CSRF field, needed by the logout form of a logged-in page. */
  readonly csrf?: SafeHtml;
  /** The current section's path, marked in the navigation. */
  readonly current?: string;
  readonly notice?: string;
  readonly error?: string;
}

export function layout(options: PageOptions, content: SafeHtml): SafeHtml {
  const { session } = options;
  const navigation = session
    ? html`<nav aria-label="Console sections">
          <ul>
            ${SECTIONS.map(
              (section) =>
                html`<li>
                  <a
                    href="${section.path}"
                    ${section.path === options.current ? html` aria-current="page"` : ''}
                    >${section.label}</a
                  >
                </li>`,
            )}
          </ul>
        </nav>
        <form method="post" action="/admin/logout">
          ${options.csrf}<span>${session.username}</span> <button type="submit">Log out</button>
        </form>`
    : '';
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>${options.title} · ${options.serviceName} admin</title>
        <style>
          ${new SafeHtml(STYLE)}
        </style>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header><a href="/admin">${options.serviceName} admin</a>${navigation}</header>
        <main id="main">
          <h1>${options.title}</h1>
          ${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
          ${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''} ${content}
        </main>
      </body>
    </html>`;
}

/** `?notice=` carried through a redirect after a form post. */
export function withNotice(path: string, notice: string): string {
  const separator = path.includes('?') ? '&' : '?';
  return `${path}${separator}notice=${encodeURIComponent(notice)}`;
}
