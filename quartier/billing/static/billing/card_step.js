// The card step (billing/card_step.html). Stripe.js collects the card and runs 3-D Secure;
// then the form is posted with the intent's id, whatever Stripe.js answered: the server
// reads the intent back from Stripe and decides. Nothing here marks anything paid.
(function () {
  "use strict";

  function intentId(clientSecret) {
    return clientSecret.split("_secret_")[0];
  }

  function busy(form) {
    form.querySelector("button[type=submit]").disabled = true;
    const status = document.getElementById("card-busy");
    if (status) status.hidden = false;
  }

  function onSubmit(form, confirm, field) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      busy(form);
      const secret = form.dataset.clientSecret;
      try {
        await confirm(secret);
      } catch (error) {
        // A failure shows as an unconfirmed intent on the server, which says so.
      }
      form.elements[field].value = intentId(secret);
      form.submit();
    });
  }

  function start() {
    if (typeof window.Stripe !== "function") return;
    const setupForm = document.getElementById("card-form");
    const authenticateForm = document.getElementById("card-authenticate");
    const form = setupForm || authenticateForm;
    if (!form) return;
    const stripe = window.Stripe(form.dataset.publishableKey);
    if (setupForm) {
      const card = stripe.elements().create("card");
      card.mount("#card-element");
      onSubmit(
        setupForm,
        (secret) => stripe.confirmCardSetup(secret, { payment_method: { card: card } }),
        "setup_intent",
      );
    }
    if (authenticateForm) {
      onSubmit(authenticateForm, (secret) => stripe.confirmCardPayment(secret), "payment_intent");
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
