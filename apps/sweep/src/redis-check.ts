// Before charrnn-sweep --queue or charrnn-worker starts work, one connection attempt says whether it
// can. Once running, both ride out any outage by reconnecting for ever (queue-redis.ts) — right for a
// Redis restart, wrong for a fault that will not fix itself: a wrong or missing password, a TLS
// certificate the client does not trust, a host name that does not resolve, a database number the
// server does not have. Those end the command at once, exit 2, in one line with what to do, before
// anything is written. A server that does not answer (refused, reset, timed out): the coordinator stops
// too (someone is at the terminal and nothing has started), a worker waits for it with one notice
// (workers are often started before Redis, and the answer may come).

import { Redis } from 'ioredis';
import { UsageError } from '@charrnn/cli';
import { PASSWORD_ENV, type QueueAddress } from './queue-redis.js';

/** How long one connection attempt may take (a TLS client on a plain port waits this long). */
const CONNECT_TIMEOUT_MS = 5000;
/** A waiting worker tries again this often. */
const RETRY_MS = 2000;

export interface RedisFault {
  readonly message: string;
  readonly hint: string;
  /** True when trying again cannot help (password, certificate, host name, database). */
  readonly permanent: boolean;
}

/** What went wrong reaching Redis at `address`, in the user's terms. */
export function describeRedisFault(error: Error & { code?: string }, address: QueueAddress): RedisFault {
  const where = `Redis at ${address.display}`;
  const said = error.message;
  const code = error.code ?? '';
  if (/^(WRONGPASS|NOAUTH)|invalid password/i.test(said))
    return {
      message: `${where} refused the connection: ${said}`,
      hint: `give its password in the URL (redis://:PASSWORD@HOST:PORT) or in ${PASSWORD_ENV}`,
      permanent: true,
    };
  if (/DB index is out of range/i.test(said))
    return {
      message: `${where} has no database ${address.options.db ?? 0} (${said})`,
      hint: 'the number after the port in --queue is a database index; Redis has 16 (0–15) unless configured otherwise',
      permanent: true,
    };
  if (/CERT|SIGNATURE|ALTNAME|ISSUER/.test(code))
    return {
      message: `${where}: its TLS certificate was not accepted (${said})`,
      hint: 'if a CA of your own signed it, start the command with NODE_EXTRA_CA_CERTS=/path/to/ca.pem',
      permanent: true,
    };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return {
      message: `${where}: the host name does not resolve (${said})`,
      hint: 'check the host in --queue',
      permanent: true,
    };
  const tls = address.options.tls !== undefined;
  return {
    message: `cannot reach ${where} (${said})`,
    hint:
      code === 'ECONNREFUSED'
        ? 'is redis-server running there, on that port? (install: apt-get install redis-server)'
        : tls
          ? 'is redis-server running there, and does that port speak TLS? (rediss:// needs a TLS port, redis:// a plain one)'
          : 'is redis-server running there, and is that port plain? (a TLS port needs rediss://)',
    permanent: false,
  };
}

/** One connection, AUTH and SELECT (as ioredis makes them) and a PING; throws UsageError (exit 2) when it cannot work. */
export async function checkRedis(
  address: QueueAddress,
  options: { readonly waitForServer: boolean; readonly notice: (line: string) => void },
): Promise<void> {
  let waiting = false;
  for (;;) {
    const fault = await tryOnce(address);
    if (fault === null) {
      if (waiting) options.notice(`notice: reached Redis at ${address.display}`);
      return;
    }
    if (fault.permanent || !options.waitForServer) throw new UsageError(fault.message, fault.hint);
    if (!waiting) options.notice(`notice: ${fault.message}; waiting for it (${fault.hint})`);
    waiting = true;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

async function tryOnce(address: QueueAddress): Promise<RedisFault | null> {
  const redis = new Redis({
    ...address.options,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  // ioredis reports why it closed through "error" and rejects with a bare "Connection is closed".
  let reason: Error | null = null;
  redis.on('error', (error: Error) => {
    reason ??= error;
  });
  try {
    await redis.connect();
    await redis.ping();
    // A failed SELECT (database out of range) is reported by "error" but leaves a working connection.
    return reason === null ? null : describeRedisFault(reason, address);
  } catch (error) {
    return describeRedisFault(reason ?? (error as Error), address);
  } finally {
    redis.disconnect();
  }
}
