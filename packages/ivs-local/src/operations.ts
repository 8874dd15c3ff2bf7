/** The shape shared by the control-plane operation handlers. */
import type { LocalIvsState } from './state';
import type { Fields } from './validate';

export interface OperationContext {
  state: LocalIvsState;
  /** The JSON body's members (an empty object when the body is empty). */
  input: Fields;
  /** Query parameters (tag operations). */
  query: URLSearchParams;
  /** The decoded `{resourceArn}` path label of tag operations. */
  resourceArn?: string;
  now: Date;
}

export interface OperationResult {
  /** 200 unless set. */
  status?: number;
  /** JSON body; `undefined` sends no body (204). */
  body?: unknown;
}

export type OperationHandler = (context: OperationContext) => OperationResult | Promise<OperationResult>;
