// hostedpay-web in a page: validate a FloCash order with the server's own rules while the
// customer types, then render and submit the checkout form. No secret is ever here: the page
// gets the public configuration (no notification token) from its server.
//
// ?mode=server asks the server to build the form instead (`Gateway.checkout` on the server),
// the way a signing gateway must; the page only renders and submits what it gets.
import init, { flocash, money, renderForm } from './hostedpay-web/vpos_web.js';

const form = document.getElementById('order');
const mode = new URLSearchParams(location.search).get('mode') === 'server' ? 'server' : 'browser';

await init();
const publicConfig = await (await fetch('./api/public-config')).json();

/** The order as the core reads it, or throws the core's VposError. */
function readOrder() {
  const v = (name) => form.elements[name].value.trim();
  let itemPrice;
  try {
    itemPrice = money.parse(v('price'), v('currency'));
  } catch (e) {
    // The price input is the only place this amount comes from: the error is the price's.
    e.field = 'item_price';
    throw e;
  }
  const quantity = Number(v('quantity'));
  const optional = (name) => v(name) || null;
  return {
    order_id: v('order_id'),
    custom: v('custom'),
    item_name: v('item_name'),
    item_price: { value: itemPrice.value, currency: itemPrice.currency },
    quantity: Number.isSafeInteger(quantity) && quantity >= 0 ? quantity : 0,
    country: optional('country'),
    customer: { first_name: optional('first_name'), email: optional('email') },
  };
}

function showError(error) {
  for (const input of form.querySelectorAll('[data-field]')) input.removeAttribute('aria-invalid');
  for (const p of form.querySelectorAll('.error')) {
    p.textContent = '';
    delete p.dataset.code;
  }
  if (!error) return;
  const input = form.querySelector(`[data-field="${CSS.escape(error.field ?? '')}"]`);
  const slot = input ? form.querySelector(`[data-error-for="${error.field}"]`) : form.querySelector('#form-error');
  input?.setAttribute('aria-invalid', 'true');
  slot.textContent = error.message;
  slot.dataset.code = error.code;
}

/** Validates with the core's rules; returns the order, or null after showing the first error. */
function validOrder() {
  try {
    const order = readOrder();
    flocash.validateOrder(order);
    showError(null);
    return order;
  } catch (e) {
    if (typeof e.code !== 'string') throw e;
    showError(e);
    return null;
  }
}

form.addEventListener('change', validOrder);
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const order = validOrder();
  if (!order) return;
  let redirect;
  if (mode === 'server') {
    const reply = await fetch('./api/checkout', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(order),
    });
    redirect = await reply.json();
    if (!reply.ok) return showError(redirect);
  } else {
    redirect = flocash.checkoutPublic(publicConfig, order);
  }
  // renderForm escapes every value; the inline auto-submit script would not run from
  // innerHTML, so submit the form ourselves.
  const holder = document.getElementById('redirect');
  holder.innerHTML = renderForm(redirect);
  holder.querySelector('form').submit();
});

document.documentElement.dataset.ready = mode;
