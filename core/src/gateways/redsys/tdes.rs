//! Encrypt-only DES-EDE3 (3DES with three keys) for Redsys's `HMAC_SHA256_V1` order key.
//!
//! FIPS 46-3 DES (the tables below are the standard's, written as it prints them; everything
//! the rounds index is derived from them at compile time), three of them in a row: encrypt
//! under K1, decrypt under K2, encrypt under K3 (NIST SP 800-67 rev. 2, §3.2).
//!
//! Arranged for speed without giving up the cache-line argument of docs/security.md:
//!
//! - The 48 round subkeys (the middle stage's in reverse order) are expanded once per key, each
//!   already split into the two words a round XORs, so a round does no E expansion: R is kept
//!   rotated right by one bit, and the eight 6-bit S-box inputs are shifts and masks of R and
//!   of R rotated left by four.
//! - Between the stages the final and initial permutations cancel (FP∘IP is the identity):
//!   IP once at the start, FP once at the end of the 48 rounds.
//! - Every lookup indexed by key- or data-dependent bits reads a table of exactly one 64-byte,
//!   64-byte-aligned cache line: per S-box, its 64 four-bit outputs as bytes, then the P
//!   permutation of that S-box's nibble from 16 `u32`s. Which lines a block touches does not
//!   depend on the key or the data (the `des` crate's S-boxes are the same bytes, unaligned,
//!   so some straddle two lines).

/// The initial permutation IP (FIPS 46-3): output bit i (1 = most significant) is input bit
/// `IP[i - 1]`. Only used to check [`ip`] in the tests; FP is its inverse.
#[cfg(test)]
const IP: [u8; 64] = [
    58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, //
    62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8, //
    57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, //
    61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];

/// The permutation P applied to the S-boxes' 32 output bits (FIPS 46-3).
const P: [u8; 32] = [
    16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, //
    2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25,
];

/// Permuted choice 1: the 56 key bits kept, as C (first 28) then D (FIPS 46-3).
const PC1: [u8; 56] = [
    57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, //
    10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36, //
    63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, //
    14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];

/// Permuted choice 2: the 48 bits of a round's subkey from C‖D (FIPS 46-3).
const PC2: [u8; 48] = [
    14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, //
    23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, //
    41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, //
    44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];

/// Left rotations of C and D before each round (FIPS 46-3).
const SHIFTS: [u8; 16] = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];

/// The eight S-boxes as FIPS 46-3 prints them: row (outer bits b1 b6), column (b2..b5).
const S: [[[u8; 16]; 4]; 8] = [
    [
        [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7],
        [0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8],
        [4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0],
        [15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
    ],
    [
        [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10],
        [3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5],
        [0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15],
        [13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
    ],
    [
        [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8],
        [13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1],
        [13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7],
        [1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
    ],
    [
        [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15],
        [13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9],
        [10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4],
        [3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
    ],
    [
        [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9],
        [14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6],
        [4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14],
        [11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
    ],
    [
        [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11],
        [10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8],
        [9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6],
        [4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
    ],
    [
        [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1],
        [13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6],
        [1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2],
        [6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
    ],
    [
        [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7],
        [1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2],
        [7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8],
        [2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
    ],
];

/// A table of one cache line, on a line of its own.
#[repr(align(64))]
struct Line<T>(T);

/// S-box `i` indexed directly by its 6-bit input b1..b6 (b1 most significant).
static SBOX: [Line<[u8; 64]>; 8] = {
    let mut out = [const { Line([0u8; 64]) }; 8];
    let mut i = 0;
    while i < 8 {
        let mut v = 0;
        while v < 64 {
            let row = ((v >> 4) & 2) | (v & 1);
            let column = (v >> 1) & 15;
            out[i].0[v] = S[i][row][column];
            v += 1;
        }
        i += 1;
    }
    out
};

/// `PBOX[i][n]`: P of S-box `i`'s output nibble `n` (its bits in f's positions 4i+1..4i+4),
/// rotated right by one bit as the rounds keep their halves.
static PBOX: [Line<[u32; 16]>; 8] = {
    let mut out = [const { Line([0u32; 16]) }; 8];
    let mut i = 0;
    while i < 8 {
        let mut n = 0;
        while n < 16 {
            let mut word = 0u32;
            let mut j = 0;
            while j < 32 {
                // Output bit j + 1 takes input bit P[j]; S-box i fills inputs 4i+1..4i+4.
                let source = P[j] as usize - 1;
                if source / 4 == i && (n >> (3 - source % 4)) & 1 == 1 {
                    word |= 1 << (31 - j);
                }
                j += 1;
            }
            out[i].0[n] = word.rotate_right(1);
            n += 1;
        }
        i += 1;
    }
    out
};

/// One round's subkey as the round XORs it: the even S-boxes' six bits at 26, 18, 10, 2 in the
/// first word, the odd ones' in the second.
type Subkey = [u32; 2];

/// The 16 subkeys of one DES key (FIPS 46-3 key schedule), in encryption order.
fn schedule(key: [u8; 8]) -> [Subkey; 16] {
    let key = u64::from_be_bytes(key);
    let bit = |word: u64, width: u32, position: u8| (word >> (width - u32::from(position))) & 1;
    let mut cd = 0u64; // C‖D, 56 bits
    for &p in &PC1 {
        cd = (cd << 1) | bit(key, 64, p);
    }
    let (mut c, mut d) = ((cd >> 28) as u32, (cd & 0x0fff_ffff) as u32);
    let mut out = [[0u32; 2]; 16];
    for (round, &shift) in out.iter_mut().zip(&SHIFTS) {
        c = ((c << shift) | (c >> (28 - shift))) & 0x0fff_ffff;
        d = ((d << shift) | (d >> (28 - shift))) & 0x0fff_ffff;
        let cd = (u64::from(c) << 28) | u64::from(d);
        let mut k = 0u64; // 48 bits, S-box 0's six first
        for &p in &PC2 {
            k = (k << 1) | bit(cd, 56, p);
        }
        let chunk = |i: u32| ((k >> (42 - 6 * i)) & 63) as u32;
        *round = [
            chunk(0) << 26 | chunk(2) << 18 | chunk(4) << 10 | chunk(6) << 2,
            chunk(1) << 26 | chunk(3) << 18 | chunk(5) << 10 | chunk(7) << 2,
        ];
    }
    out
}

/// Swaps the bits of `a` selected by `mask` with those `delta` places higher.
#[inline(always)]
fn delta_swap(a: u64, delta: u32, mask: u64) -> u64 {
    let b = (a ^ (a >> delta)) & mask;
    a ^ b ^ (b << delta)
}

/// IP as five delta swaps (the sequence of the RustCrypto `des` crate 0.9, MIT/Apache-2.0;
/// checked against the table in the tests).
#[inline(always)]
fn ip(mut block: u64) -> u64 {
    block = delta_swap(block, 9, 0x0055_0055_0055_0055);
    block = delta_swap(block, 18, 0x0000_3333_0000_3333);
    block = delta_swap(block, 36, 0x0000_0000_0f0f_0f0f);
    block = delta_swap(block, 24, 0x0000_0000_ff00_ff00);
    delta_swap(block, 24, 0x0000_00ff_0000_00ff)
}

/// FP = IP⁻¹: the same swaps in reverse order.
#[inline(always)]
fn fp(mut block: u64) -> u64 {
    block = delta_swap(block, 24, 0x0000_00ff_0000_00ff);
    block = delta_swap(block, 24, 0x0000_0000_ff00_ff00);
    block = delta_swap(block, 36, 0x0000_0000_0f0f_0f0f);
    block = delta_swap(block, 18, 0x0000_3333_0000_3333);
    delta_swap(block, 9, 0x0055_0055_0055_0055)
}

/// The round function f of R (rotated right by one) under one subkey, its output rotated
/// likewise. Every table read stays in that table's one cache line.
#[inline(always)]
fn f(r: u32, k: &Subkey) -> u32 {
    let a = r ^ k[0];
    let b = r.rotate_left(4) ^ k[1];
    let s = |i: usize, x: u32| PBOX[i].0[usize::from(SBOX[i].0[x as usize & 63]) & 15];
    s(0, a >> 26)
        | s(2, a >> 18)
        | s(4, a >> 10)
        | s(6, a >> 2)
        | s(1, b >> 26)
        | s(3, b >> 18)
        | s(5, b >> 10)
        | s(7, b >> 2)
}

/// Sixteen rounds in place: `l`, `r` come out as L16, R16 (not swapped).
#[inline(always)]
fn rounds(l: &mut u32, r: &mut u32, keys: &[Subkey; 16]) {
    for pair in keys.chunks_exact(2) {
        *l ^= f(*r, &pair[0]);
        *r ^= f(*l, &pair[1]);
    }
}

/// An encrypt-only DES-EDE3 key: the 48 round subkeys, expanded once. No `Debug`: it is the
/// merchant's secret.
#[derive(Clone)]
pub(crate) struct TdesEde3 {
    /// K1's subkeys, K2's reversed (its decryption), K3's.
    keys: [[Subkey; 16]; 3],
}

impl TdesEde3 {
    /// From a 24-byte key K1‖K2‖K3 (parity bits ignored, as usual); `None` for any other
    /// length. Weak keys are accepted, as by the `des` crate's `TdesEde3::new_from_slice`.
    pub(crate) fn new_from_slice(key: &[u8]) -> Option<TdesEde3> {
        let key: &[u8; 24] = key.try_into().ok()?;
        let part = |i: usize| {
            let mut k = [0u8; 8];
            k.copy_from_slice(&key[8 * i..8 * i + 8]);
            schedule(k)
        };
        let mut middle = part(1);
        middle.reverse();
        Some(TdesEde3 {
            keys: [part(0), middle, part(2)],
        })
    }

    /// Encrypts one 8-byte block: E(K1), D(K2), E(K3), with one IP and one FP.
    pub(crate) fn encrypt_block(&self, block: &mut [u8; 8]) {
        let x = ip(u64::from_be_bytes(*block));
        let mut l = ((x >> 32) as u32).rotate_right(1);
        let mut r = (x as u32).rotate_right(1);
        rounds(&mut l, &mut r, &self.keys[0]);
        // Each stage's output is its halves swapped, which the next stage takes as (L, R).
        rounds(&mut r, &mut l, &self.keys[1]);
        rounds(&mut l, &mut r, &self.keys[2]);
        let out = (u64::from(r.rotate_left(1)) << 32) | u64::from(l.rotate_left(1));
        *block = fp(out).to_be_bytes();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use des::cipher::{BlockCipherEncrypt, KeyInit};
    use proptest::prelude::*;

    fn hex<const N: usize>(s: &str) -> [u8; N] {
        let mut out = [0u8; N];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    fn encrypt(key: &str, block: &str) -> [u8; 8] {
        let cipher = TdesEde3::new_from_slice(&hex::<24>(key)).unwrap();
        let mut block = hex::<8>(block);
        cipher.encrypt_block(&mut block);
        block
    }

    #[test]
    fn permutations_match_the_standard() {
        let mut table = 0u64;
        let x = 0x0123_4567_89ab_cdefu64;
        for &p in &IP {
            table = (table << 1) | ((x >> (64 - u32::from(p))) & 1);
        }
        assert_eq!(ip(x), table);
        assert_eq!(fp(ip(x)), x);
        assert_eq!(fp(ip(!x)), !x);
    }

    #[test]
    fn single_des_known_answers() {
        // K1 = K2 = K3 reduces EDE3 to single DES.
        // "The DES Algorithm Illustrated" (J. Orlin Grabbe) and the FIPS 81 / SP 800-17 style
        // worked example: key 133457799BBCDFF1, plaintext 0123456789ABCDEF → 85E813540F0AB405.
        assert_eq!(
            encrypt(
                "133457799BBCDFF1133457799BBCDFF1133457799BBCDFF1",
                "0123456789ABCDEF"
            ),
            hex::<8>("85E813540F0AB405")
        );
        // NIST SP 800-17 (Modes of Operation Validation System), Table A.1, variable plaintext
        // known-answer test with the all-odd-parity zero key 0101010101010101: round 0 (the
        // plaintext 8000000000000000) gives 95F8A5E5DD31D900; round 63 (…0001) 166B40B44ABA4BD6.
        let k = "010101010101010101010101010101010101010101010101";
        assert_eq!(encrypt(k, "8000000000000000"), hex::<8>("95F8A5E5DD31D900"));
        assert_eq!(encrypt(k, "0000000000000001"), hex::<8>("166B40B44ABA4BD6"));
        // SP 800-17 Table A.2, variable key: key 8001010101010101, plaintext 0 → 95A8D72813DAA94D.
        assert_eq!(
            encrypt(
                "800101010101010180010101010101018001010101010101",
                "0000000000000000"
            ),
            hex::<8>("95A8D72813DAA94D")
        );
    }

    #[test]
    fn three_key_known_answer() {
        // NIST SP 800-67 rev. 1 (2012), Appendix B, "Example of TDEA Encryption": keys
        // 0123456789ABCDEF 23456789ABCDEF01 456789ABCDEF0123, first plaintext block
        // 5468652071756663 ("The qufc") → A826FD8CE53B855F.
        assert_eq!(
            encrypt(
                "0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123",
                "5468652071756663"
            ),
            hex::<8>("A826FD8CE53B855F")
        );
    }

    #[test]
    fn tables_are_single_aligned_lines() {
        for i in 0..8 {
            assert_eq!(std::mem::size_of_val(&SBOX[i]), 64);
            assert_eq!(std::mem::size_of_val(&PBOX[i]), 64);
            assert_eq!(std::ptr::from_ref(&SBOX[i]).addr() % 64, 0);
            assert_eq!(std::ptr::from_ref(&PBOX[i]).addr() % 64, 0);
        }
    }

    #[test]
    fn refuses_other_lengths() {
        for len in [0, 8, 16, 23, 25, 32] {
            assert!(TdesEde3::new_from_slice(&vec![1; len]).is_none(), "{len}");
        }
    }

    proptest! {
        #[test]
        fn matches_the_des_crate(key in any::<[u8; 24]>(), block in any::<[u8; 8]>()) {
            let reference = des::TdesEde3::new_from_slice(&key).unwrap();
            let mut expected = block.into();
            reference.encrypt_block(&mut expected);
            let mut ours = block;
            TdesEde3::new_from_slice(&key).unwrap().encrypt_block(&mut ours);
            prop_assert_eq!(ours, <[u8; 8]>::from(expected));
        }
    }
}
