// The customer portal, one chunk of its own (App.tsx loads it on demand).
export { PortalApproval } from './PortalApproval.js';
export { PortalHome } from './PortalHome.js';
export { PortalTicket } from './PortalTicket.js';
export { SignInLink } from './SignInLink.js';
