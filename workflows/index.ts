export { authentication } from './authentication.js';
export { cleanup } from './cleanup.js';
export { deregistration } from './deregistration.js';
export { probe } from './probe.js';
export { registration } from './registration.js';
