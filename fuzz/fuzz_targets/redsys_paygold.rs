#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| vpos_fuzz::redsys_paygold(data));
