// The agent area, one chunk of its own (App.tsx loads it on demand).
export { TasksPage } from './TasksPage.js';
export { TicketPage } from './TicketPage.js';
export { TicketsPage } from './TicketsPage.js';
