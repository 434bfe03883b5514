// The same package from an ES module.
import vpos, { flocash, money } from 'hostedpay';

const amount = money.fromMinor(9_223_372_036_854_775_807n, 'EUR');
const value: string = amount.value;
const info: flocash.StatusInfo = flocash.status('4');
const same: typeof flocash = vpos.flocash;

export { value, info, same };
