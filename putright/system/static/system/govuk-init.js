// GOV.UK Frontend's components on every page (a module file, not an inline script, for the
// Content-Security-Policy).
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

initAll();
