// Passkeys: a button with data-passkey-create (adding one) or data-passkey-get (signing
// in) names the JSON options the server rendered; the browser's answer goes into the
// form's hidden "credential" field and the form is sent. Uses allauth's webauthn-json.
(function () {
  'use strict'

  function options (button, attribute) {
    return JSON.parse(document.getElementById(button.getAttribute(attribute)).textContent)
  }

  function wire (attribute, ceremony) {
    document.querySelectorAll('[' + attribute + ']').forEach(function (button) {
      button.addEventListener('click', async function () {
        const form = button.closest('form')
        const error = form.querySelector('[data-passkey-error]')
        if (error) error.hidden = true
        try {
          const credential = await ceremony(options(button, attribute))
          form.querySelector('input[name="credential"]').value = JSON.stringify(credential)
          form.submit()
        } catch (exception) {
          if (error) error.hidden = false
        }
      })
    })
  }

  wire('data-passkey-create', function (data) { return window.webauthnJSON.create(data) })
  wire('data-passkey-get', function (data) { return window.webauthnJSON.get(data) })
})()
