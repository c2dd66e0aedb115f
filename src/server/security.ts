import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { UsageError } from '../core/errors.js';

export const CSRF_COOKIE = 'svc_csrf';
export const CSRF_FIELD = '_csrf';
const TOKEN_COOKIE = 'svc_token';

/** Loopback names: the only hosts `svc serve` binds to without a token. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Anything but loopback is reachable by others: it needs a token, or svc refuses to start (exit 2). */
export function checkExposure(host: string, token: string | undefined): void {
  if (!isLoopback(host) && !token) {
    throw new UsageError('serve/no-token', `--host ${host} makes the portal reachable from other machines, and no token is set`, {
      hint: 'give --token <secret> (or set SVC_SERVE_TOKEN), or leave out --host to bind to 127.0.0.1',
    });
  }
  if (token !== undefined && token.length < 12) throw new UsageError('serve/weak-token', 'the serve token is shorter than 12 characters', { hint: 'use a long random secret, e.g. `openssl rand -hex 16`' });
}

/** Equal strings, compared in constant time (hashing first makes the lengths equal). */
function same(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

/**
 * With a token, every request must carry it: `?token=` once (it is then kept in an HttpOnly cookie
 * and dropped from the address bar), the cookie, or `Authorization: Bearer`.
 */
export function requireToken(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (!token) return next();
    const given = c.req.query('token');
    if (given !== undefined && same(given, token)) {
      setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      const url = new URL(c.req.url);
      url.searchParams.delete('token');
      return c.redirect(url.pathname + url.search, 303);
    }
    const bearer = c.req.header('authorization')?.replace(/^Bearer\s+/i, '');
    const cookie = getCookie(c, TOKEN_COOKIE);
    if ((bearer !== undefined && same(bearer, token)) || (cookie !== undefined && same(cookie, token))) return next();
    return c.text('svc serve: this portal needs its token (open the address svc serve printed, with ?token=…)\n', 401);
  };
}

/** The double-submit CSRF token of this browser: its cookie, set on first sight. */
export function csrfToken(c: Context): string {
  const have = getCookie(c, CSRF_COOKIE);
  if (have && /^[0-9a-f]{64}$/.test(have)) return have;
  const fresh = randomBytes(32).toString('hex');
  setCookie(c, CSRF_COOKIE, fresh, { httpOnly: true, sameSite: 'Strict', path: '/' });
  return fresh;
}

/** A POST whose form field does not repeat its cookie came from another site's page: refused. */
export function checkCsrf(c: Context, field: unknown): boolean {
  const cookie = getCookie(c, CSRF_COOKIE);
  return typeof field === 'string' && cookie !== undefined && cookie.length === 64 && same(field, cookie);
}
