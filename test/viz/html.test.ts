/** html`…`: every interpolated value is escaped unless it is markup this program made. */
import { describe, expect, test } from 'vitest';
import { escapeHtml, html, joinHtml, raw } from '../../viz/html.js';

describe('html', () => {
  test('escapes text, numbers and the items of lists; keeps Html as it is', () => {
    const value = '<img src=x onerror="alert(1)">\'&';
    expect(html`<p title="${value}">${value}</p>`.text).toBe(
      '<p title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;</p>',
    );
    expect(html`${['<a>', html`<b>${'<c>'}</b>`, 3, null, undefined]}`.text).toBe('&lt;a&gt;<b>&lt;c&gt;</b>3');
    expect(html`${raw('<br>')}`.text).toBe('<br>');
    expect(joinHtml([html`${'<'}`, html`>`], '|').text).toBe('&lt;|>');
  });

  test('escapeHtml leaves no character that starts markup or ends an attribute', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });
});
