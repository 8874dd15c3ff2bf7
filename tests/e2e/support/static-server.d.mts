export declare function startStaticServer(root: string, options?: { port?: number }): Promise<{ url: string; close(): Promise<void> }>;
