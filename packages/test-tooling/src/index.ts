export {
  type FakeSms,
  type FakeSmsMode,
  FakeSmsServer,
  type FakeSmsServerOptions,
} from './fake-sms-server.js';
export { solidPng } from './solid-png.js';
export { type FaultMode, TcpFaultProxy, type TcpFaultProxyOptions } from './tcp-fault-proxy.js';
