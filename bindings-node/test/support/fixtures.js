'use strict';
// Known-good values shared by the tests (the same merchant and body as tests/vectors/flocash).

const TOKEN = 'test-test-test';

const config = (baseUrl = 'https://flocash.example.com') => ({
  merchant: 'test@merchant.com',
  merchant_name: 'test name',
  checkout_url: 'https://fcms.flocash.com/ecom/ecommerce.do',
  base_url: baseUrl,
  notification_token: TOKEN,
});

const FORM = 'application/x-www-form-urlencoded';

// tests/vectors/flocash/transition.json defaults.body: 23.45 USD, status 0000, fpn F2001, trans T1001.
const BODY =
  'merchant=test%40merchant.com&order_id=AT000001&amount=23.45&item_name=Call+Credit' +
  '&item_price=23.45&currency_code=USD&quantity=1&trans_id=T1001&fpn_id=F2001&status=0000' +
  '&status_msg=Payment+is+successful.&payment_channel=Mobile';

const EVENT_KEY = 'flocash:F2001:T1001:sale:0000';

const payment = (overrides = {}) => ({
  gateway: 'flocash',
  merchant: 'test@merchant.com',
  order_id: 'AT000001',
  amount: { value: '23.45', currency: 'USD' },
  status: 'pending',
  ...overrides,
});

module.exports = { TOKEN, config, FORM, BODY, EVENT_KEY, payment };
