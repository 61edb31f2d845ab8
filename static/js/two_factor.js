// The passkey buttons of the second-factor pages: django-otp-webauthn's scripts run the
// ceremonies (static/django_otp_webauthn/); this shows the account's page again once a new
// passkey is registered, so it appears in the list.
(function () {
  "use strict";
  document.addEventListener("otp_webauthn.register_complete", function () {
    window.location.reload();
  });
})();
