/** What the end-to-end health probe workflow answers (workflows/probe.ts, `GET /healthz/workflow`). */
export interface ProbeResult {
  taskQueue: string;
  database: 'reachable';
}

/** The probe workflow's signature, for a typed client call by its name. */
export type ProbeWorkflow = () => Promise<ProbeResult>;
