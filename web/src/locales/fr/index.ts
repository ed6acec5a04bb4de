export { default as admin } from './admin.js';
export { default as agent } from './agent.js';
export { default as common } from './common.js';
export { default as portal } from './portal.js';
export { default as respond } from './respond.js';
