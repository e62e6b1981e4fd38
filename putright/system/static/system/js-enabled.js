// Run at the top of <body>, before anything is drawn: GOV.UK Frontend's styles for pages whose
// JavaScript runs (a file, not an inline script, for the Content-Security-Policy).
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
