/** Tables of the upstream module (src/upstream): deployments written through the API (migration 0020). */
export interface UpstreamTables {
  upstream_deployments: UpstreamDeploymentTable;
}

export interface UpstreamDeploymentTable {
  /** The deployment id (never one of tollgate.yaml's). */
  id: string;
  /** The deployment's settings as JSON (tollgate.yaml's shape), with `api_key` only as a reference. */
  settings: string;
  /** An inline key, sealed under the home organization's data key (`tge1.…`); null when none or by reference. */
  api_key: string | null;
  created_at: number;
  updated_at: number;
  /** Who last wrote it: `usr_…`, `key_…`. */
  updated_by: string;
}
