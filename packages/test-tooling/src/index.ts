export { solidPng } from './solid-png.js';
export { type FaultMode, TcpFaultProxy, type TcpFaultProxyOptions } from './tcp-fault-proxy.js';
