export declare function buildHarness(options: { outDir: string; source?: boolean }): Promise<string>;
