/**
 * Set up once per `vitest run`, before any test file starts, in the main process; test workers and every child
 * process they start inherit the environment set here:
 *
 * - a private temporary folder for the run, as TMPDIR (TMP, TEMP): `os.tmpdir()` in tests names it. When the
 *   tests end it must be empty: anything a test left there (a mock key, a client secret in an outputs file…)
 *   fails the run, named. Other processes on the machine, other runs included, never write there, so the
 *   check cannot be fooled or tripped by them.
 * - the test PKI (a CA and a server certificate for 127.0.0.1, made fresh for the run), trusted by every test
 *   worker and child process through NODE_EXTRA_CA_CERTS (Node reads it only at start-up), so the commands talk
 *   to the local HTTPS services in-process as well as in child processes.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PKI_DIR_ENV, writeTestPki } from "./tls";

/** Entries tools keep in the temporary folder: the transform caches of tsx (child processes) and ts-node (the policy pack). */
const TOOL_CACHES = /^(tsx-\d+|ts-node-[0-9a-f]+)$/;

export default function setup(): () => void {
    const root = mkdtempSync(join(tmpdir(), "foundry-entra-tests-"));
    const scratch = join(root, "tmp");
    const pki = join(root, "pki");
    mkdirSync(scratch);
    mkdirSync(pki);
    const { caFile } = writeTestPki(pki);
    const saved = Object.fromEntries(["TMPDIR", "TMP", "TEMP", "NODE_EXTRA_CA_CERTS", "NO_PROXY", PKI_DIR_ENV].map((k) => [k, process.env[k]]));
    process.env.TMPDIR = process.env.TMP = process.env.TEMP = scratch;
    process.env.NODE_EXTRA_CA_CERTS = caFile;
    process.env[PKI_DIR_ENV] = pki;
    // The local services listen on 127.0.0.1: never through a proxy the machine may have configured.
    process.env.NO_PROXY = ["127.0.0.1", "localhost", process.env.NO_PROXY].filter(Boolean).join(",");

    return () => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        const left = readdirSync(scratch).filter((name) => !TOOL_CACHES.test(name));
        rmSync(root, { recursive: true, force: true });
        if (left.length > 0) {
            // vitest only logs what a teardown throws: set the exit code so the run fails.
            process.exitCode = 1;
            process.stderr.write(`\nFAIL the tests left ${left.length} entr${left.length === 1 ? "y" : "ies"} in the temporary folder (a test must remove what it creates): ${left.sort().join(", ")}\n`);
        }
    };
}
