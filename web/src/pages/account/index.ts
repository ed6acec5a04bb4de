// Profile and password pages, one chunk of their own (App.tsx loads it on demand).
export { Profile } from './Profile.js';
export { SetPassword } from './SetPassword.js';
