import type { Request, Response } from 'express';
import type { AuthContext } from './auth.js';
import type { Logger } from './logger.js';

/** A JSON error for plain HTTP routes, shaped like GraphQL's codes. */
export function refuse(res: Response, status: number, message: string, code = 'BAD_REQUEST'): void {
  // Headers set for a success (a file's type, an attachment name) must not dress up the error.
  res.removeHeader('content-disposition');
  res.removeHeader('content-length');
  res.status(status).type('application/json').json({ error: message, code });
}

/** Signed-in callers only (users or API tokens), as for GraphQL; answers 401 otherwise. */
export async function requireCaller(
  req: Request,
  res: Response,
  callerOf: (req: Request) => Promise<AuthContext>,
): Promise<boolean> {
  const { viewer, authError } = await callerOf(req);
  if (viewer) return true;
  refuse(res, 401, authError?.message ?? 'authentication required', 'UNAUTHENTICATED');
  return false;
}

/** An async express handler whose failures are logged and answered 500 (or the socket closed). */
export function route(logger: Logger, handler: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response) => {
    handler(req, res).catch((error: unknown) => {
      const aborted = (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE';
      logger[aborted ? 'info' : 'error']({ err: error, path: req.path }, aborted ? 'client went away' : 'route failed');
      if (!res.headersSent) refuse(res, 500, 'internal server error', 'INTERNAL_SERVER_ERROR');
      else res.destroy();
    });
  };
}
