//! Disjoint sets over dense report indexes, each set knowing its members and its smallest key.

use crate::ReportKey;

/// Union by size with path halving. Each set's members form a ring through `next` (a union
/// splices two rings in constant time, and nothing is allocated per member), and each root keeps
/// the smallest key among its members.
#[derive(Default)]
pub(crate) struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
    min_key: Vec<ReportKey>,
    next: Vec<u32>,
}

/// What a union did, when it joined two sets.
pub(crate) struct Joined {
    /// Smallest key of the joined set (the older cluster's id).
    pub survivor: ReportKey,
    /// Smallest key of the other set (the younger cluster's id).
    pub absorbed: ReportKey,
    /// Sizes of the two sets before the union: (survivor's, absorbed's).
    pub sizes: (u32, u32),
}

impl UnionFind {
    pub fn push(&mut self, key: ReportKey) -> u32 {
        let i = self.parent.len() as u32;
        self.parent.push(i);
        self.size.push(1);
        self.min_key.push(key);
        self.next.push(i);
        i
    }

    pub fn reserve(&mut self, n: usize) {
        self.parent.reserve(n);
        self.size.reserve(n);
        self.min_key.reserve(n);
        self.next.reserve(n);
    }

    /// The root of `i`'s set, halving the path on the way.
    pub fn find(&mut self, mut i: u32) -> u32 {
        while self.parent[i as usize] != i {
            let grand = self.parent[self.parent[i as usize] as usize];
            self.parent[i as usize] = grand;
            i = grand;
        }
        i
    }

    /// The root of `i`'s set, without compressing (for shared borrows).
    pub fn root(&self, mut i: u32) -> u32 {
        while self.parent[i as usize] != i {
            i = self.parent[i as usize];
        }
        i
    }

    pub fn union(&mut self, a: u32, b: u32) -> Option<Joined> {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return None;
        }
        let (big, small) = if self.size[ra as usize] >= self.size[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        let (ka, kb) = (self.min_key[ra as usize], self.min_key[rb as usize]);
        let joined = if ka <= kb {
            Joined {
                survivor: ka,
                absorbed: kb,
                sizes: (self.size[ra as usize], self.size[rb as usize]),
            }
        } else {
            Joined {
                survivor: kb,
                absorbed: ka,
                sizes: (self.size[rb as usize], self.size[ra as usize]),
            }
        };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
        self.min_key[big as usize] = joined.survivor;
        self.next.swap(big as usize, small as usize);
        Some(joined)
    }

    /// The smallest key of the set rooted at `root`.
    pub fn min_key(&self, root: u32) -> ReportKey {
        self.min_key[root as usize]
    }

    pub fn size(&self, root: u32) -> u32 {
        self.size[root as usize]
    }

    /// Members of the set holding `member`, in no particular order.
    pub fn members(&self, member: u32) -> impl Iterator<Item = u32> + '_ {
        let mut at = Some(member);
        std::iter::from_fn(move || {
            let current = at?;
            let next = self.next[current as usize];
            at = (next != member).then_some(next);
            Some(current)
        })
    }

    /// Dissolves the set rooted at `root` into singletons and returns its members; the caller
    /// re-joins them under new rules. `keys(i)` is member `i`'s key.
    pub fn dissolve(&mut self, root: u32, keys: impl Fn(u32) -> ReportKey) -> Vec<u32> {
        let members: Vec<u32> = self.members(root).collect();
        for &m in &members {
            self.parent[m as usize] = m;
            self.size[m as usize] = 1;
            self.min_key[m as usize] = keys(m);
            self.next[m as usize] = m;
        }
        members
    }

    /// Every root, in index order.
    pub fn roots(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.parent.len() as u32).filter(|&i| self.parent[i as usize] == i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_keeps_members_and_the_smallest_key() {
        let mut uf = UnionFind::default();
        for key in [30, 10, 20, 40] {
            uf.push(key);
        }
        let j = uf.union(0, 2).unwrap();
        assert_eq!((j.survivor, j.absorbed), (20, 30));
        let j = uf.union(3, 1).unwrap();
        assert_eq!((j.survivor, j.absorbed), (10, 40));
        let j = uf.union(2, 3).unwrap();
        assert_eq!((j.survivor, j.absorbed, j.sizes), (10, 20, (2, 2)));
        assert!(uf.union(0, 1).is_none());
        let root = uf.find(0);
        assert_eq!(uf.min_key(root), 10);
        let mut members: Vec<u32> = uf.members(root).collect();
        members.sort();
        assert_eq!(members, vec![0, 1, 2, 3]);
        assert_eq!(uf.roots().count(), 1);

        let keys = [30, 10, 20, 40];
        let dissolved = uf.dissolve(root, |m| keys[m as usize]);
        assert_eq!(dissolved.len(), 4);
        assert_eq!(uf.roots().count(), 4);
        assert_eq!(uf.min_key(uf.root(3)), 40);
    }
}
