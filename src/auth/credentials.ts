/** The keys a request presents, as hashes: only hashes are ever compared or stored. */
export interface Credentials {
  masterHash?: string;
  accessHash?: string;
}

export interface Permissions {
  create: boolean;
  read: boolean;
  update: boolean;
  delete: boolean;
}

/** What the presented keys turned out to be, looked up in the same query as the resource. */
export interface KeyFacts {
  /** The account whose master key was presented, or null (none presented, or unknown). */
  masterAccountId: string | null;
  /** The presented access key, or null (none presented, or unknown). */
  accessKey: { id: string; accountId: string; permissions: Permissions } | null;
}
