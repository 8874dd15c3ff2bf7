/**
 * `aws-ivs-realtime/sigv4`: a control plane that signs AWS calls where it runs (AWS SDK v3).
 * On a server, the backing for `createControlPlaneHandler`; in a browser, development only.
 */
export { SigV4ControlPlane } from './control-plane/sigv4-control-plane';
export type { AwsCredentials, AwsCredentialsOption, SigV4ControlPlaneOptions, SigV4Logger } from './control-plane/sigv4-control-plane';
