import { html, SafeHtml } from './html';
import { PAGE_SIZE } from './admin-page';

/** A GET search form: works without JavaScript and keeps the search in the address. */
export function searchForm(path: string, search: string, label: string): SafeHtml {
  return html`<form method="get" action="${path}" role="search">
    <label for="search">${label}</label> <input id="search" name="search" type="search" value="${search}" />
    <button type="submit">Search</button>
  </form>`;
}

/** Previous/next links over fixed-size pages. */
export function pager(path: string, search: string, offset: number, count: number): SafeHtml {
  const link = (to: number, text: string) => {
    const query = new URLSearchParams({ ...(search ? { search } : {}), offset: String(to) });
    return html`<a href="${path}?${query.toString()}">${text}</a>`;
  };
  const previous = offset > 0 ? link(Math.max(0, offset - PAGE_SIZE), 'Previous page') : '';
  const next = offset + PAGE_SIZE < count ? link(offset + PAGE_SIZE, 'Next page') : '';
  if (!previous && !next) return html``;
  return html`<nav aria-label="Pages"><p>${previous} ${next}</p></nav>`;
}
