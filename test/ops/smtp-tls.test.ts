import { describe, expect, it } from 'vitest';
import { smtpTransportOptions } from '../../src/mail/transport.js';

/** Issue 12 item 5: `smtp://` to another machine requires STARTTLS unless the URL opts out. */
describe('issue 12 item 5: SMTP TLS by destination', () => {
  it('requires STARTTLS for smtp:// to a remote host', () => {
    const o = smtpTransportOptions('smtp://user:p%40ss@mail.example.com:587');
    expect(o).toMatchObject({
      host: 'mail.example.com',
      port: 587,
      secure: false,
      requireTLS: true,
      ignoreTLS: false,
    });
    expect(o.auth).toEqual({ user: 'user', pass: 'p@ss' });
  });

  it('lets the URL opt out: tls=optional (opportunistic) or tls=off (never)', () => {
    expect(smtpTransportOptions('smtp://relay.internal:25?tls=optional')).toMatchObject({
      requireTLS: false,
      ignoreTLS: false,
    });
    expect(smtpTransportOptions('smtp://relay.internal:25?tls=off')).toMatchObject({
      requireTLS: false,
      ignoreTLS: true,
    });
  });

  it('keeps loopback relays and test sinks without TLS by default, and lets them require it', () => {
    for (const host of ['127.0.0.1', 'localhost', '[::1]']) {
      expect(smtpTransportOptions(`smtp://${host}:2525`)).toMatchObject({
        requireTLS: false,
        ignoreTLS: true,
      });
    }
    expect(smtpTransportOptions('smtp://[::1]:2525').host).toBe('::1');
    expect(smtpTransportOptions('smtp://127.0.0.1:2525?tls=required')).toMatchObject({ requireTLS: true });
  });

  it('uses TLS from the first byte for smtps://, wherever the host', () => {
    expect(smtpTransportOptions('smtps://mail.example.com')).toMatchObject({
      secure: true,
      port: 465,
      requireTLS: false,
      ignoreTLS: false,
    });
  });

  it('refuses an unknown tls value instead of guessing', () => {
    expect(() => smtpTransportOptions('smtp://mail.example.com?tls=maybe')).toThrow(/tls=maybe/);
  });
});
