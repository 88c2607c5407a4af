import { consolePage } from './console-page.js';
import { html } from './html.js';

/** The login form; `csrf` is the double-submit value also set as the login cookie. */
export function loginPage(csrf: string, error?: string): string {
  return consolePage('Log in', html`
<form method="post" action="/console/login">
  <input type="hidden" name="_csrf" value="${csrf}">
  <p><label>Admin token (<code>ADMIN_TOKEN</code>)<br><input type="password" name="token" autocomplete="current-password" required autofocus></label></p>
  <p><button type="submit">Log in</button></p>
</form>`, { error });
}
