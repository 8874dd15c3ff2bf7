export declare const harnessOutDir: string;
export declare function buildHarness(options?: { source?: boolean }): Promise<string>;
