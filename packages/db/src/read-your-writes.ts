import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from './create-database.js';
import { parseLsnOrUndefined } from './lsn.js';
import { runWithReadContext } from './read-context.js';

/**
 * The WAL position a client has seen written. A service answers it after a request that wrote; the
 * gateway keeps it for the user's short read-your-writes window and sends it on that user's next
 * requests, so their reads go only to a replica that has replayed it (or to the primary). Clients
 * never set it themselves: the gateway strips it from incoming requests.
 */
export const DB_LSN_HEADER = 'x-db-lsn';

type Next = (error?: unknown) => void;

/**
 * Express middleware: runs the request in a read context (see read-context.ts) seeded from the
 * x-db-lsn header, and, when the request wrote, puts the primary's WAL position after its writes on
 * the response. The position is fetched once, after the handler is done writing (when it ends the
 * response), so transactions are committed by then; ending is deferred by that one query.
 */
export function readYourWrites(db: Pick<Database, 'writePosition'>) {
  return (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    const header = req.headers[DB_LSN_HEADER];
    const minLsn = parseLsnOrUndefined(Array.isArray(header) ? header[0] : header);
    runWithReadContext(minLsn === undefined ? {} : { minLsn }, () => {
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.end = ((...args: unknown[]) => {
        if (res.headersSent) return end(...args);
        db.writePosition().then(
          (lsn) => {
            if (lsn !== undefined && !res.headersSent) res.setHeader(DB_LSN_HEADER, lsn);
            end(...args);
          },
          // Without a position the client just loses read-your-writes for this write; the answer still goes out.
          () => end(...args),
        );
        return res;
      }) as ServerResponse['end'];
      next();
    });
  };
}
