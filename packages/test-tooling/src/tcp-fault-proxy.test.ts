import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpFaultProxy } from './tcp-fault-proxy.js';

// A real echo server on loopback stands in for the proxied server.
let echo: net.Server;
let proxy: TcpFaultProxy;

function roundTrip(port: number, text: string, timeoutMs = 500): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('timeout'));
    }, timeoutMs);
    socket.on('data', (data) => {
      clearTimeout(timer);
      socket.end();
      resolve(data.toString());
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      reject(new Error('closed'));
    });
    socket.write(text);
  });
}

beforeAll(async () => {
  echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  proxy = await new TcpFaultProxy({
    target: { host: '127.0.0.1', port: (echo.address() as net.AddressInfo).port },
  }).start();
});

afterAll(async () => {
  await proxy.stop();
  echo.close();
});

describe('TcpFaultProxy', () => {
  it('forwards in pass mode', async () => {
    proxy.setMode('pass');
    expect(await roundTrip(proxy.port, 'hello')).toBe('hello');
  });

  it('closes connections in refuse mode and recovers in pass mode', async () => {
    proxy.setMode('refuse');
    await expect(roundTrip(proxy.port, 'x')).rejects.toThrow();
    proxy.setMode('pass');
    expect(await roundTrip(proxy.port, 'back')).toBe('back');
  });

  it('swallows traffic in blackhole mode', async () => {
    proxy.setMode('blackhole');
    await expect(roundTrip(proxy.port, 'x', 200)).rejects.toThrow('timeout');
    proxy.setMode('pass');
  });

  it('delays traffic by the latency set', async () => {
    proxy.setLatency(150);
    const started = performance.now();
    expect(await roundTrip(proxy.port, 'slow')).toBe('slow');
    // Two hops of 150 ms each; a lower bound only, since a slow machine can only add time.
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    proxy.setLatency(0);
  });

  it('rewrites a URL to go through the proxy', () => {
    expect(proxy.rewrite('postgresql://u:p@127.0.0.1:5432/db')).toBe(
      `postgresql://u:p@127.0.0.1:${proxy.port}/db`,
    );
  });
});
