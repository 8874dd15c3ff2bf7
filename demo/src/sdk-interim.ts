// Stand-in for `src/index.ts` while that entry is not written yet (demo/vite.config.ts uses it only
// when `src/index.ts` is missing). Delete once the entry exists.
export * from '../../src/control-plane/http-control-plane';
export type * from '../../src/control-plane/types';
export * from '../../src/core/errors';
export * from '../../src/media/index';
export * from '../../src/stage/stage-session';
export type * from '../../src/stage/types';
export * from '../../src/grid/index';
export * from '../../src/chat/index';
