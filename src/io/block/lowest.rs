//! A bounded list of the smallest items seen: the first `--max-report` bad
//! blocks by offset, in memory that does not grow with the target.

use std::collections::BinaryHeap;

/// Keeps the `cap` smallest items pushed.
#[derive(Debug)]
pub struct Lowest<T: Ord> {
    cap: usize,
    heap: BinaryHeap<T>,
}

impl<T: Ord> Lowest<T> {
    /// An empty list that keeps at most `cap` items.
    pub fn new(cap: usize) -> Self {
        Self { cap, heap: BinaryHeap::new() }
    }

    /// Offers `item`; it is kept if it is among the `cap` smallest so far.
    pub fn push(&mut self, item: T) {
        if self.heap.len() < self.cap {
            self.heap.push(item);
        } else if self.heap.peek().is_some_and(|top| item < *top) {
            self.heap.pop();
            self.heap.push(item);
        }
    }

    /// The items kept, smallest first.
    pub fn into_sorted(self) -> Vec<T> {
        self.heap.into_sorted_vec()
    }

    /// Takes the items out, in no order, leaving the list empty.
    pub fn drain(&mut self) -> impl Iterator<Item = T> + '_ {
        self.heap.drain()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_smallest() {
        let mut l = super::Lowest::new(3);
        for x in [9, 4, 7, 1, 8, 3, 2] {
            l.push(x);
        }
        assert_eq!(l.into_sorted(), vec![1, 2, 3]);
        let mut none = super::Lowest::new(0);
        none.push(1);
        assert!(none.into_sorted().is_empty());
    }
}
