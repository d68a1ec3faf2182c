// Where the bootstrap Taskfiles read and keep credentials: a 1Password vault (`op`) for the
// onepassword provider, or the git-ignored folder `.secrets/` for sops and sealed-secrets, where
// `.secrets/<item>/<field>` holds one value (the same item/field names modules give 1Password).
// One interface, so every task is written once and says nothing about which one it talks to.
import type { FleetConfig } from '../model/types.js';

export interface Precondition {
  sh: string;
  msg: string;
}

export interface SecretVault {
  /** What the README calls it. */
  readonly description: string;
  /** Checks that the vault is reachable, run before a task reads from it. */
  readonly ready: Precondition[];
  /** A shell expression printing one field of an item. */
  read(item: string, field: string): string;
  /** A shell command that succeeds when the item exists (a task's status). */
  has(item: string): string;
  /** A shell command storing fields (field → file holding its value) as a new item. */
  create(item: string, fields: Record<string, string>, category: string): string;
  /** A command fetching document `name` to `file`, failing when it does not exist. */
  getDocument(name: string, file: string): string;
  /** A command storing `file` as document `name`. */
  putDocument(name: string, file: string): string;
}

/** The git-ignored folder the local vault lives in. */
export const LOCAL_VAULT = '.secrets';

export function onePasswordVault(fleet: FleetConfig): string {
  return fleet.secrets?.provider === 'onepassword' ? fleet.secrets.vaults[0] : 'kubernetes';
}

/** Whether the fleet's secrets come from local files (sops, sealed-secrets) rather than 1Password. */
export const usesLocalVault = (fleet: FleetConfig) => fleet.secrets !== undefined && fleet.secrets.provider !== 'onepassword';

export function secretVault(fleet: FleetConfig): SecretVault {
  if (usesLocalVault(fleet)) return localVault();
  const vault = onePasswordVault(fleet);
  return {
    description: `1Password vault \`${vault}\``,
    ready: [{ sh: 'op whoami', msg: 'sign in to 1Password first (op signin)' }],
    read: (item, field) => `$(op read op://${vault}/${item}/${field})`,
    has: (item) => `op item get ${item} --vault ${vault}`,
    create: (item, fields, category) => `op item create --vault ${vault} --category "${category}" --title ${item} ` +
      Object.entries(fields).map(([f, file], i) => `"${f}[${i === 0 ? 'text' : 'concealed'}]=$(cat "${file}")"`).join(' '),
    getDocument: (name, file) => `op document get "${name}" --vault ${vault} --out-file "${file}" --force`,
    putDocument: (name, file) => `op document create "${file}" --title "${name}" --vault ${vault}`,
  };
}

function localVault(): SecretVault {
  const dir = `{{.ROOT_DIR}}/${LOCAL_VAULT}`;
  return {
    description: `the git-ignored folder \`${LOCAL_VAULT}/\` (one file per value: \`${LOCAL_VAULT}/<item>/<field>\`; back it up, it is the only copy)`,
    ready: [],
    read: (item, field) => `$(cat "${dir}/${item}/${field}")`,
    has: (item) => `test -d "${dir}/${item}"`,
    create: (item, fields) => `mkdir -p "${dir}/${item}" && ` +
      Object.entries(fields).map(([f, file]) => `install -m 600 "${file}" "${dir}/${item}/${f}"`).join(' && '),
    getDocument: (name, file) => `test -f "${dir}/${name}" && cp "${dir}/${name}" "${file}"`,
    putDocument: (name, file) => `mkdir -p "${dir}" && install -m 600 "${file}" "${dir}/${name}"`,
  };
}
