export { type FaultMode, TcpFaultProxy, type TcpFaultProxyOptions } from './tcp-fault-proxy.js';
