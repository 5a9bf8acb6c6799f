import { html, SafeHtml } from './html';

describe(html.name, () => {
  it('escapes every interpolated string, attribute quotes included', () => {
    const name = `<script>alert("x")</script>' onmouseover='x`;
    expect(html`<td title="${name}">${name}</td>`.value).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x</td>',
    );
  });

  it('inserts nested fragments and lists as they are, and skips empty values', () => {
    const rows = ['a&b', 'c'].map((text) => html`<li>${text}</li>`);
    // prettier-ignore
    const list = html`<ul>${rows}${null}${undefined}${false}${0}</ul>`;
    expect(list.value).toBe('<ul><li>a&amp;b</li><li>c</li>0</ul>');
    expect(html`${new SafeHtml('<b>kept</b>')}`.value).toBe('<b>kept</b>');
  });
});
