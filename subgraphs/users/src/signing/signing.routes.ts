import { CONFIRM_PATH, JWKS_PATH, refuse, route, type Logger } from '@switchyard/kit';
import express, { type Express } from 'express';
import type { TokenIssuer } from './issuer.js';

/**
 * Public, as the issuer's keys must be: the JWKS, and the issuer's answer on a token it signed
 * (what the gateway and the MQTT broker confirm callers with; it tells only the token's holder's
 * own standing).
 */
export function signingRoutes(app: Express, issuer: () => TokenIssuer, logger: Logger): void {
  app.get(
    JWKS_PATH,
    route(logger, async (_req, res) => {
      res.setHeader('cache-control', 'public, max-age=60');
      res.json(await issuer().jwks());
    }),
  );
  app.post(
    CONFIRM_PATH,
    express.json({ limit: '16kb' }),
    route(logger, async (req, res) => {
      const token = (req.body as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || !token) return refuse(res, 400, 'body must be { "token": "..." }');
      res.json(await issuer().confirm(token));
    }),
  );
}
