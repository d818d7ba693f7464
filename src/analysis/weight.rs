//! Exact probabilities that stay cheap while a search runs: a numerator over a product of
//! powers of the denominators the model draws from, never reduced until the answer is
//! read ([`Weight::to_rational`]).
//!
//! Reducing a fraction after every sum (as a general rational type does) costs a
//! greatest common divisor of numbers that grow with the run: on long runs it was most of
//! an exact analysis's time, growing about as the cube of the ticks. Here a product adds
//! exponents and multiplies numerators; a sum brings both to the larger power of each
//! denominator (multiplications by small numbers) and adds; a comparison does the same.
//! Every step is linear in the numbers' sizes, and [`Weights::work`] counts the words
//! they touch, so that a search can stop at a bound that does not depend on time.

use num_bigint::{BigInt, BigUint};
use num_rational::BigRational;
use num_traits::{One, Zero};

/// The denominators met so far (each one a "base"), and the work done on weights.
#[derive(Debug, Default)]
pub struct Weights {
    bases: Vec<u64>,
    /// Per base, its powers computed so far (`powers[b][k]` is `bases[b]^k`).
    powers: Vec<Vec<BigUint>>,
    /// 64-bit words of numerators touched by sums and comparisons.
    pub work: u64,
}

/// An exact probability: `num / prod(bases[b]^exps[b])`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weight {
    num: BigUint,
    /// Per base (missing: 0).
    exps: Vec<u32>,
}

impl Weight {
    /// Zero.
    pub fn zero() -> Weight {
        Weight { num: BigUint::zero(), exps: Vec::new() }
    }

    /// One.
    pub fn one() -> Weight {
        Weight { num: BigUint::one(), exps: Vec::new() }
    }

    /// Whether it is zero.
    pub fn is_zero(&self) -> bool {
        self.num.is_zero()
    }

    /// Bytes it holds (for a search's memory budget).
    pub fn bytes(&self) -> usize {
        self.num.bits().div_ceil(8) as usize + 4 * self.exps.len() + std::mem::size_of::<Weight>()
    }

    /// The fraction, reduced.
    pub fn to_rational(&self, w: &Weights) -> BigRational {
        let mut den = BigUint::one();
        for (b, &e) in self.exps.iter().enumerate() {
            if e > 0 {
                den *= BigUint::from(w.bases[b]).pow(e);
            }
        }
        BigRational::new(BigInt::from(self.num.clone()), BigInt::from(den))
    }
}

impl Weights {
    /// The base of denominator `d`, added if new.
    fn base(&mut self, d: u64) -> usize {
        match self.bases.iter().position(|&b| b == d) {
            Some(b) => b,
            None => {
                self.bases.push(d);
                self.powers.push(vec![BigUint::one()]);
                self.bases.len() - 1
            }
        }
    }

    /// `bases[b]^k` (the small powers kept: a large one is as long as the numbers it
    /// multiplies, and is worked out each time).
    fn power(&mut self, b: usize, k: u32) -> std::borrow::Cow<'_, BigUint> {
        const KEPT: u32 = 64;
        if k >= KEPT {
            let p = BigUint::from(self.bases[b]).pow(k);
            self.work += words(&p);
            return std::borrow::Cow::Owned(p);
        }
        let powers = &mut self.powers[b];
        while powers.len() <= k as usize {
            let next = powers.last().expect("the power 0") * self.bases[b];
            powers.push(next);
        }
        std::borrow::Cow::Borrowed(&powers[k as usize])
    }

    /// The weight `n / d` (`d > 0`).
    pub fn fraction(&mut self, n: u64, d: u64) -> Weight {
        let mut exps = Vec::new();
        if d > 1 {
            let b = self.base(d);
            exps.resize(b + 1, 0);
            exps[b] = 1;
        }
        Weight { num: BigUint::from(n), exps }
    }

    /// The product of the fractions `n / d` (each `d > 0`).
    pub fn product(&mut self, parts: impl Iterator<Item = (u64, u64)>) -> Weight {
        let (mut num, mut small) = (BigUint::one(), 1u64);
        let mut exps = Vec::new();
        for (n, d) in parts {
            // (In a machine word while it suffices.)
            match small.checked_mul(n) {
                Some(m) => small = m,
                None => {
                    num *= small;
                    small = n;
                }
            }
            if d > 1 {
                let b = self.base(d);
                if exps.len() <= b {
                    exps.resize(b + 1, 0);
                }
                exps[b] += 1;
            }
        }
        num *= small;
        Weight { num, exps }
    }

    /// `a * b`.
    pub fn mul(&mut self, a: &Weight, b: &Weight) -> Weight {
        self.work += words(&a.num) + words(&b.num);
        let mut exps = a.exps.clone();
        if exps.len() < b.exps.len() {
            exps.resize(b.exps.len(), 0);
        }
        for (e, f) in exps.iter_mut().zip(&b.exps) {
            *e += f;
        }
        Weight { num: &a.num * &b.num, exps }
    }

    /// `a`'s numerator over the common denominator of `a` and `b` (the larger power of
    /// each base), and that denominator's exponents.
    fn aligned(&mut self, a: &Weight, b: &Weight) -> (BigUint, BigUint, Vec<u32>) {
        let n = a.exps.len().max(b.exps.len());
        let (mut x, mut y) = (a.num.clone(), b.num.clone());
        let mut exps = vec![0; n];
        for (k, e) in exps.iter_mut().enumerate() {
            let (ea, eb) = (a.exps.get(k).copied().unwrap_or(0), b.exps.get(k).copied().unwrap_or(0));
            *e = ea.max(eb);
            if ea < eb {
                x *= self.power(k, eb - ea).as_ref();
            } else if eb < ea {
                y *= self.power(k, ea - eb).as_ref();
            }
        }
        self.work += words(&x) + words(&y);
        (x, y, exps)
    }

    /// `a += b`.
    pub fn add(&mut self, a: &mut Weight, b: &Weight) {
        if b.is_zero() {
            return;
        }
        if a.is_zero() {
            self.work += words(&b.num);
            *a = b.clone();
            return;
        }
        if a.exps == b.exps {
            self.work += words(&a.num) + words(&b.num);
            a.num += &b.num;
            return;
        }
        let (x, y, exps) = self.aligned(a, b);
        *a = Weight { num: x + y, exps };
    }

    /// Whether `a > b`.
    pub fn greater(&mut self, a: &Weight, b: &Weight) -> bool {
        if a.exps == b.exps {
            self.work += words(&a.num) + words(&b.num);
            return a.num > b.num;
        }
        let (x, y, _) = self.aligned(a, b);
        x > y
    }
}

/// 64-bit words of a number (at least one).
fn words(n: &BigUint) -> u64 {
    n.bits().div_ceil(64).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sums, products and comparisons agree with reduced fractions, over denominators that
    /// share factors (2, 4, 6, 10) and ones that do not.
    #[test]
    fn weights_are_the_fractions_they_stand_for() {
        let mut w = Weights::default();
        let dens = [2u64, 4, 6, 10, 7, 3, 1];
        let mut acc = Weight::zero();
        let mut exact = BigRational::zero();
        let mut prod = Weight::one();
        let mut exact_prod = BigRational::one();
        for (i, &d) in dens.iter().cycle().take(40).enumerate() {
            let n = 1 + (i as u64 * 7) % d;
            let x = w.fraction(n, d);
            let q = BigRational::new(BigInt::from(n), BigInt::from(d));
            assert_eq!(x.to_rational(&w), q);
            prod = w.mul(&prod, &x);
            exact_prod *= &q;
            let three_fifths = w.fraction(3, 5);
            let scaled = w.mul(&prod, &three_fifths);
            w.add(&mut acc, &scaled);
            exact += &exact_prod * BigRational::new(BigInt::from(3), BigInt::from(5));
            assert_eq!(acc.to_rational(&w), exact, "step {i}");
            let y = w.fraction(1, 4);
            let y = w.mul(&y, &prod);
            assert_eq!(w.greater(&acc, &y), exact > y.to_rational(&w), "step {i}");
            assert_eq!(w.greater(&y, &acc), y.to_rational(&w) > exact, "step {i}");
        }
        assert!(w.work > 0);
    }
}
