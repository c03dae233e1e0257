import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["test/**/*.test.ts", "policy/**/*.test.ts", "bootstrap/**/*.test.ts"],
        // Each file runs in its own process: the Pulumi runtime keeps global state.
        pool: "forks",
        testTimeout: 120_000,
        hookTimeout: 120_000,
        reporters: ["default", "json"],
        outputFile: { json: "test-results/vitest.json" },
    },
});
