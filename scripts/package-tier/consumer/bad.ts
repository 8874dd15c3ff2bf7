// The deliberate type error: a session's state is a string union, not a number.
import { StageSession } from 'aws-ivs-realtime/stage';

export const n: number = new StageSession({ strategy: 'host' }).state;
