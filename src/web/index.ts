import type { MimoEnv } from '../config/index.js';
import { Capabilities, installationPath, runPath } from './capability.js';
import { Metrics } from './metrics.js';
import { webHandler, type WebDeps } from './routes.js';
import { RunStore } from './runs.js';

export { Capabilities, MissingRunsSecretError, runPath, installationPath } from './capability.js';
export { Metrics } from './metrics.js';
export { RunStore, type RunMeta } from './runs.js';
export { webHandler, type WebDeps } from './routes.js';
export { failingTestsSvg, chartBars } from './chart.js';
export { escapeHtml, redactSecrets } from './html.js';

/** The web organ of one process: run records, metrics, capability links, and the public URL links are made from. */
export class Web implements WebDeps {
  readonly runs: RunStore;
  readonly metrics: Metrics;
  readonly capabilities: Capabilities | null;
  readonly publicUrl?: string;
  readonly metricsToken?: string;

  constructor(options: {
    runsDir: string;
    runsSecret?: string;
    webhookSecret?: string;
    publicUrl?: string;
    metricsToken?: string;
    queueDepth?: () => Promise<number>;
  }) {
    this.runs = new RunStore(options.runsDir);
    this.metrics = new Metrics(options.queueDepth ? { queueDepth: options.queueDepth } : {});
    this.capabilities =
      options.runsSecret || options.webhookSecret
        ? new Capabilities({ runsSecret: options.runsSecret, webhookSecret: options.webhookSecret })
        : null;
    if (options.publicUrl) this.publicUrl = options.publicUrl.replace(/\/+$/, '');
    if (options.metricsToken) this.metricsToken = options.metricsToken;
  }

  /** The run page's full URL, or undefined without MIMO_PUBLIC_URL (or a key): then nothing links to it. */
  runUrl(jobId: string): string | undefined {
    return this.publicUrl && this.capabilities
      ? this.publicUrl + runPath(this.capabilities, jobId)
      : undefined;
  }

  installationUrl(installationId: number): string | undefined {
    return this.publicUrl && this.capabilities
      ? this.publicUrl + installationPath(this.capabilities, installationId)
      : undefined;
  }

  /** The handler to mount on the Probot Server (`server.addHandler`). */
  handler(): ReturnType<typeof webHandler> {
    return webHandler(this);
  }
}

/** The web organ from the environment read once at start-up. */
export function webFromEnv(env: MimoEnv, queueDepth?: () => Promise<number>): Web {
  return new Web({
    runsDir: env.web.runsDir,
    ...(env.web.runsSecret ? { runsSecret: env.web.runsSecret } : {}),
    ...(env.github.webhookSecret ? { webhookSecret: env.github.webhookSecret } : {}),
    ...(env.web.publicUrl ? { publicUrl: env.web.publicUrl } : {}),
    ...(env.web.metricsToken ? { metricsToken: env.web.metricsToken } : {}),
    ...(queueDepth ? { queueDepth } : {}),
  });
}

/** Mounts `/metrics` and the run pages on a Probot Server: the one call the server makes into this organ. */
export function mountWeb(
  server: { addHandler(handler: ReturnType<typeof webHandler>): void },
  web: Web,
): void {
  server.addHandler(web.handler());
}
