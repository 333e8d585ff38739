/**
 * The hub's Prometheus metrics (prom-client), one registry per gateway so that hubs started side by
 * side in one process (tests) do not count into each other. Runs of harvests and jobs are read from
 * the database at scrape time: the tables are the record every replica writes, so a count kept in
 * memory would miss runs made by another replica or before a restart.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Knex } from 'knex';
import type { SupergraphState } from '../../subgraphs/registry/registry-subgraph.ts';

/** distinct operation names kept as labels; past this a client inventing names lands in "other" */
const MAX_OPERATION_LABELS = 200;

export interface HubMetrics {
  registry: Registry;
  request(method: string, route: string, status: number, seconds: number): void;
  operation(name: string | null, seconds: number): void;
  error(code: string): void;
}

/** runs of harvests and jobs, read from the database at scrape time */
function databaseGauges(db: Knex, registry: Registry): void {
  new Gauge({
    name: 'irhub_harvest_runs', help: 'harvest runs recorded in the database, by status', labelNames: ['status'], registers: [registry],
    async collect() {
      this.reset();
      const rows = await db('harvest_runs').select('status').count<{ status: string; count: number }[]>({ count: '*' }).groupBy('status');
      for (const row of rows) this.set({ status: row.status }, Number(row.count));
    },
  });
  new Gauge({
    name: 'irhub_job_runs', help: 'scheduled job runs recorded in the database, by job and outcome', labelNames: ['job', 'outcome'], registers: [registry],
    async collect() {
      this.reset();
      const rows = await db('fake_busy_runs').select(db.raw(`case when error is not null then 'failed' when finished_at is null then 'running' else 'succeeded' end as outcome`))
        .count<{ outcome: string; count: number }[]>({ count: '*' }).groupBy('outcome');
      for (const row of rows) this.set({ job: 'flag-fake-busy', outcome: row.outcome }, Number(row.count));
    },
  });
}

/** without `db` (a gateway serving a supergraph file), the runs recorded in the database are left to a process that has it */
export function createHubMetrics(db: Knex | undefined, supergraph: () => SupergraphState): HubMetrics {
  const registry = new Registry();
  const requests = new Counter({ name: 'irhub_http_requests_total', help: 'HTTP requests on the gateway port', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const requestSeconds = new Histogram({ name: 'irhub_http_request_duration_seconds', help: 'HTTP request latency on the gateway port', labelNames: ['route'], registers: [registry] });
  const operationSeconds = new Histogram({ name: 'irhub_graphql_operation_duration_seconds', help: 'GraphQL operation latency by operation name', labelNames: ['operation'], registers: [registry] });
  const errors = new Counter({ name: 'irhub_graphql_errors_total', help: 'GraphQL errors by code', labelNames: ['code'], registers: [registry] });
  if (db) databaseGauges(db, registry);
  new Gauge({
    name: 'irhub_composition_seconds', help: 'time the last supergraph composition took', registers: [registry],
    collect() {
      const ms = supergraph().composeMs;
      if (ms !== null) this.set(ms / 1000);
    },
  });
  new Gauge({
    name: 'irhub_composition_hints', help: 'hints of the served supergraph\'s composition, by code', labelNames: ['code'], registers: [registry],
    collect() {
      this.reset();
      for (const [code, n] of Object.entries(supergraph().hintCounts)) this.set({ code }, n);
    },
  });
  const operations = new Set<string>();
  return {
    registry,
    request(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      requestSeconds.observe({ route }, seconds);
    },
    operation(name, seconds) {
      let label = name ? name.slice(0, 64) : 'anonymous';
      if (!operations.has(label)) {
        if (operations.size < MAX_OPERATION_LABELS) operations.add(label);
        else label = 'other';
      }
      operationSeconds.observe({ operation: label }, seconds);
    },
    error(code) {
      errors.inc({ code: code.slice(0, 64) });
    },
  };
}
