/**
 * One line of a checklist: what was checked, whether it passed, and for a failure its cause and the config
 * key or command that fixes it. Shared by the token rules, `npm run verify` and `npm run token-doctor`.
 */
export type FindingStatus = "pass" | "fail" | "warn" | "info";

export interface Finding {
    readonly status: FindingStatus;
    /** One line: what was found. */
    readonly title: string;
    /** Why it fails (or warns). */
    readonly cause?: string;
    /** The config key, command or step that fixes it. */
    readonly fix?: string;
}

export const pass = (title: string): Finding => ({ status: "pass", title });
export const info = (title: string): Finding => ({ status: "info", title });
export const fail = (title: string, cause: string, fix: string): Finding => ({ status: "fail", title, cause, fix });
export const warn = (title: string, cause: string, fix: string): Finding => ({ status: "warn", title, cause, fix });
