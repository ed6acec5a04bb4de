// Profile, password and sign-up pages, one chunk of their own (App.tsx loads it on demand).
export { ForgotPassword } from './ForgotPassword.js';
export { Profile } from './Profile.js';
export { SetPassword } from './SetPassword.js';
export { SignUp } from './SignUp.js';
