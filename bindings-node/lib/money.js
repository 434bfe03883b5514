'use strict';
// Money: exact amounts and the ISO 4217 table. Amounts come back as
// `{ minor: bigint, currency, value }`.

const native = require('../native.js');
const { decode } = require('./json.js');
const { vposError } = require('./errors.js');

/**
 * Parses a decimal string exactly (`"23.45"` EUR is 2345n minor units).
 * @param {string} value
 * @param {string} currency ISO 4217 alphabetic code
 */
function parse(value, currency) {
  if (typeof value !== 'string') {
    throw vposError('amount_syntax', null, `an amount is a decimal string such as "23.45", not a ${typeof value}`);
  }
  return decode(native.moneyParse(value, String(currency)));
}

/**
 * An amount from minor units (cents, yen, fils).
 * @param {bigint} minor
 * @param {string} currency
 */
function fromMinor(minor, currency) {
  if (typeof minor !== 'bigint') {
    throw vposError('field_invalid', 'minor', `minor must be a bigint (for example 2345n), not a ${typeof minor}`);
  }
  return decode(native.moneyFromMinor(minor, String(currency)));
}

/**
 * One row of the ISO 4217 table.
 * @param {string | number} code `"EUR"` or `978`
 */
function currency(code) {
  return JSON.parse(native.currencyLookup(typeof code === 'number' ? code : String(code)));
}

module.exports = { parse, fromMinor, currency };
