/** What the management server can serve: the probes (`health`) and the metrics (`metrics`). */
export type ManagementEndpoint = 'health' | 'metrics';

/**
 * A separate HTTP server for the probes and the metrics, as Spring Boot's
 * `management.server.port`: Faultline starts it (plain `node:http`, whatever the application's
 * platform) when the application bootstraps and closes it at shutdown, after the drain; the
 * endpoints it serves are no longer served on the application's port. Keep the application's
 * port for traffic and expose this one only to the kubelet and Prometheus.
 *
 * @example
 * ErrorHandlingModule.forRoot({ management: { port: 9090 } });
 */
export interface ManagementOptions {
  /**
   * The port to listen on; `0` picks a free one (tests: `ManagementServer.address()`). A port in
   * use stops start-up naming this option.
   * @example 9090
   */
  port: number;
  /**
   * The interface to listen on. Left unset, every interface (Node's default, as
   * `app.listen(port)`), so the kubelet and Prometheus reach it on the pod's address.
   * @default every interface
   * @example '127.0.0.1'
   */
  host?: string;
  /**
   * Which endpoints move to the management server; the others stay on the application's port.
   * `['metrics']` keeps the probes on the port that serves traffic, so that liveness proves
   * that server answers.
   * @default ['health', 'metrics']
   */
  endpoints?: ManagementEndpoint[];
}
