/**
 * hostedpay/testing: test a shop's integration without the gateway (never for production).
 * @packageDocumentation
 */
import type { AmountInput, HttpRequest, HttpMethod } from './types';
import type { Config } from './index';

/** How the fake gateway answers. */
export type Mode = 'verified' | 'invalid' | 'timeout' | 'server_error';
export const MODES: readonly Mode[];

/** The payment a test notification is about; `status` defaults to `paid`. */
export interface TestPayment {
  order_id: string;
  amount: AmountInput;
  status?: 'paid' | 'authorized' | 'failed' | 'refunded';
  transaction_id?: string;
}

/** Where the gateway is asked to confirm a notification, and its two answers. */
export interface Proof { method: HttpMethod; url: string; verified: string; invalid: string }

/** What the gateway sends, and the same as `handleNotification`'s `request` argument. */
export interface TestNotification {
  content_type: string;
  body: string;
  token?: string;
  proof?: Proof;
  request: { body: string; contentType: string; token?: string };
}

export type TestReply = { status: number; body: string } | { error: string };

/** What `config`'s gateway would send about `payment`. */
export function notification(config: Config, payment: TestPayment): TestNotification;
/** The gateway's answer to a proof request in `mode`. */
export function reply(proof: Proof, mode?: Mode): TestReply;
/** The gateway's answer to an operation request (Redsys REST, Elavon Remote) in `mode`. */
export function operationReply(config: Config, request: HttpRequest, mode?: Mode): TestReply;

/** A fake gateway: notifications it remembers, and a `fetch` answering them and its operations. */
export interface FakeGateway {
  mode: Mode;
  readonly requests: HttpRequest[];
  notification(payment: TestPayment): TestNotification;
  fetch(request: HttpRequest): Promise<{ status: number; body: string }>;
}
export function gateway(config: Config, options?: { mode?: Mode }): FakeGateway;
