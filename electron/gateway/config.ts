// Where the desktop app's gateway listens: DELEGATE_GATEWAY_PORT (default 4381; `off` turns the
// gateway off; 0 picks a free port), DELEGATE_GATEWAY_HOST (default 127.0.0.1: loopback unless
// the site says otherwise), DELEGATE_GATEWAY_RATE (requests/s per key, default 500; 0 = no limit).
import { DEFAULT_GATEWAY_PORT, type GatewayOptions } from './server';

export function gatewayOptionsFromEnv(env: NodeJS.ProcessEnv, version?: string): GatewayOptions | null {
  const portText = env.DELEGATE_GATEWAY_PORT?.trim();
  if (portText === 'off' || portText === 'false' || portText === 'none') return null;
  const port = portText ? Number(portText) : DEFAULT_GATEWAY_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`DELEGATE_GATEWAY_PORT must be a port number (0-65535) or "off", not "${portText}"`);
  }
  const rate = env.DELEGATE_GATEWAY_RATE?.trim() ? Number(env.DELEGATE_GATEWAY_RATE) : 500;
  if (!Number.isFinite(rate) || rate < 0) throw new Error('DELEGATE_GATEWAY_RATE must be a number >= 0');
  return {
    host: env.DELEGATE_GATEWAY_HOST?.trim() || '127.0.0.1',
    port,
    rateLimit: { perSecond: rate, burst: Math.max(1, Math.ceil(rate * 2)) },
    version,
  };
}
