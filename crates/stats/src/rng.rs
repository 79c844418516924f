//! The seeded generator of the crate's resampling methods (the bootstrap
//! of Krippendorff's alpha, the Monte Carlo exact test): the same seed gives
//! the same result on every platform.

/// SplitMix64: a small, well-tested 64-bit generator (Steele, Lea & Flood,
/// "Fast splittable pseudorandom number generators", OOPSLA 2014).
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` by rejection (Lemire 2019), so no index is favoured.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        if n == 0 {
            return 0;
        }
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as usize;
            }
        }
    }
}
