import { describe, expect, it } from 'vitest';
import { escapeHtml, renderEmail } from './email-templates.js';

const payload = { userId: '3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c', email: 'ada@example.com', name: 'Ada' };

describe('renderEmail', () => {
  it.each(['welcome', 'password-reset', 'verification'] as const)('renders %s with the name', (name) => {
    const email = renderEmail(name, payload);
    expect(email.subject).toMatch(/Tablestack/);
    expect(email.text).toContain('Hi Ada,');
    expect(email.html).toContain('<p>Hi Ada,</p>');
  });

  it('escapes a name that looks like markup in the HTML body', () => {
    const email = renderEmail('welcome', { ...payload, name: '<script>alert("x")</script>' });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(email.text).toContain('<script>');
  });

  it('escapes every special character', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
