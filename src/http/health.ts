import type { Database } from '../db/open.ts';

/**
 * The health endpoints. `/v1/health` reports the database (Appwrite-style status body); `/v1/health/live` says
 * the process serves HTTP (no database access, so a slow database never gets a live process restarted);
 * `/v1/health/ready` says whether this instance should get traffic: the database answers and it is not
 * shutting down.
 */
export class HealthRoutes {
  private shuttingDown = false;

  constructor(private readonly db: Database) {}

  /** The answer for a health path; null for every other path. */
  answer(pathname: string): Promise<Response> | null {
    switch (pathname) {
      case '/v1/health':
        return this.health();
      case '/v1/health/live':
        return Promise.resolve(Response.json({ status: 'pass' }));
      case '/v1/health/ready':
        return this.ready();
      default:
        return null;
    }
  }

  /** From now on readiness answers 503, so load balancers stop sending traffic while in-flight requests drain. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  /** 200 once the database answers (migrations ran before the server was created), else 503. */
  private async health(): Promise<Response> {
    const started = performance.now();
    try {
      await this.db.ping();
      return Response.json({ status: 'pass', database: { status: 'pass', provider: this.db.dialect, pingMs: Math.round(performance.now() - started) }, migrations: 'applied' });
    } catch {
      return Response.json({ status: 'fail', database: { status: 'fail', provider: this.db.dialect } }, { status: 503 });
    }
  }

  private async ready(): Promise<Response> {
    if (this.shuttingDown) return Response.json({ status: 'fail', reason: 'shutting down' }, { status: 503 });
    try {
      await this.db.ping();
      return Response.json({ status: 'pass' });
    } catch {
      // The driver's message (host names, addresses) is not for unauthenticated callers.
      return Response.json({ status: 'fail', reason: 'database unavailable' }, { status: 503 });
    }
  }
}
